// The API over Electron IPC: one invoke channel per method, one channel for events, one for the
// port that carries Automerge documents. The preload mirrors these names (it cannot import them).
import { API_METHODS, ApiError, type ApiErrorData, type ApiMethod } from '../../contract/api.js';
import { IPC_CHANNEL_PREFIX, type InvokeEvent, type ValidatedIpcMain } from './validated-ipc.js';

export const API_EVENT_CHANNEL = `${IPC_CHANNEL_PREFIX}event`;
/** Main → preload: the port itself (then re-posted into the page under the same name). */
export const DOCUMENT_PORT_CHANNEL = `${IPC_CHANNEL_PREFIX}document-port`;
/** Preload → main: the page asks for its port (ElectronBridge.requestDocumentPort). */
export const DOCUMENT_PORT_REQUEST_CHANNEL = `${IPC_CHANNEL_PREFIX}request-document-port`;

export function apiChannel(method: ApiMethod): string {
  return `${IPC_CHANNEL_PREFIX}${method}`;
}

/**
 * What an invoke resolves to. Errors travel as data: a handler's thrown error reaches the
 * renderer as a bare message ("Error invoking remote method ..."), and its code would be lost.
 */
export type ApiReply = { ok: true; value: unknown } | { ok: false; error: ApiErrorData };

/** Runs a request for the window that sent it; the core validates every request itself. */
export type Dispatch<E> = (event: E, method: ApiMethod, params: unknown) => Promise<unknown>;

export async function replyToApiCall<E>(dispatch: Dispatch<E>, event: E, method: ApiMethod, params: unknown, onInternalError: (error: unknown) => void = () => undefined): Promise<ApiReply> {
  try {
    return { ok: true, value: await dispatch(event, method, params) };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.toJSON() };
    onInternalError(error);
    return { ok: false, error: { code: 'internal', message: `ClipShot failed: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

/** One handler per API method, each behind the sender check; params are whatever the renderer sent, checked by the core. */
export function registerApiHandlers<E extends InvokeEvent>(ipc: ValidatedIpcMain<E>, dispatch: Dispatch<E>, onInternalError?: (error: unknown) => void): void {
  for (const method of API_METHODS) {
    ipc.handle(apiChannel(method), (event, params) => replyToApiCall(dispatch, event, method, params, onInternalError));
  }
}
