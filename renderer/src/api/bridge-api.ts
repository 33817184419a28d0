import { ApiError, requestsThrough, type ClipShotApi, type ClipShotRequests } from '../../../contract/api.js';
import { exportPath, mediaPath } from '../../../contract/media.js';
import { WebSocketApiClient } from './websocket-api.js';

/** What the Electron preload exposes as `window.clipshot` (see preload/). */
export interface ElectronBridge extends ClipShotRequests, Pick<ClipShotApi, 'onEvent'> {
  /** The real path of a dropped or picked file (Electron's webUtils.getPathForFile); '' if it has none. */
  pathForFile(file: File): string;
  /** Asks main for this window's document port; it arrives as a 'clipshot:document-port' window message. */
  requestDocumentPort(): void;
}

/** The preload's bridge, if this page runs in the desktop app. */
export function electronBridge(): ElectronBridge | undefined {
  return (window as unknown as { clipshot?: ElectronBridge }).clipshot;
}

/** Errors cross contextBridge as plain objects; they become ApiErrors again here. */
export function apiThroughBridge(bridge: ElectronBridge): ClipShotApi {
  const requests = requestsThrough((method, params) =>
    (bridge[method] as (params: unknown) => Promise<unknown>)(params).catch((error: unknown) => Promise.reject(ApiError.from(error))),
  );
  // Media and exports come from the page's own clipshot://app origin.
  const origin = window.location.origin;
  return {
    ...requests,
    mediaUrl: (clipId, media, options) => `${origin}${mediaPath(clipId, media, options)}`,
    exportUrl: (jobId) => `${origin}${exportPath(jobId)}`,
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

/** `serve`'s WebSocket origin on this page's own host. */
export function pageSocketOrigin(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
}

/** For the small pages (capture, quick access, picker): the desktop app's preload, or `serve`'s WebSocket. */
export function connectPageApi(): ClipShotApi {
  const bridge = electronBridge();
  return bridge ? apiThroughBridge(bridge) : new WebSocketApiClient(`${pageSocketOrigin()}/api`, location.origin).api;
}
