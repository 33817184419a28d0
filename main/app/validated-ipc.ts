// Raw IPC, wrapped once (after VS Code's ValidatedIpcMain): one channel prefix, and every
// message checked to come from the app's own page in a window's main frame.
import { APP_ORIGIN, isAppUrl } from './app-url.js';

export const IPC_CHANNEL_PREFIX = 'clipshot:';

/** What a handler needs to know about the frame that sent a message (Electron's WebFrameMain). */
export interface SenderFrame {
  readonly url: string;
  readonly origin: string;
  readonly parent: unknown;
}

export interface InvokeEvent {
  /** Null once the frame navigated away or was destroyed. */
  readonly senderFrame: SenderFrame | null;
}

/** The part of Electron's ipcMain this needs (a fake stands in for it in unit tests). */
export interface IpcMainLike<E extends InvokeEvent> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/**
 * True for the app's page in a main frame. Anything else (an iframe, a frame gone since it
 * sent, a page from another origin) is refused, even though no such frame should ever exist.
 */
export function isTrustedSender(frame: SenderFrame | null): boolean {
  if (frame === null || frame.parent !== null) return false;
  return frame.origin === APP_ORIGIN && isAppUrl(frame.url);
}

export class UntrustedSenderError extends Error {
  constructor(channel: string, frame: SenderFrame | null) {
    super(`refused ${channel} from ${frame === null ? 'a frame that is gone' : `${frame.parent === null ? 'main frame' : 'subframe'} ${JSON.stringify(frame.url)}`}`);
    this.name = 'UntrustedSenderError';
  }
}

export class ValidatedIpcMain<E extends InvokeEvent> {
  readonly #channels = new Set<string>();

  constructor(
    private readonly ipcMain: IpcMainLike<E>,
    private readonly onRefused: (error: UntrustedSenderError) => void = () => undefined,
  ) {}

  handle(channel: string, handler: (event: E, ...args: unknown[]) => unknown): void {
    if (!channel.startsWith(IPC_CHANNEL_PREFIX)) throw new Error(`IPC channel "${channel}" lacks the ${IPC_CHANNEL_PREFIX} prefix`);
    if (this.#channels.has(channel)) throw new Error(`IPC channel "${channel}" already has a handler`);
    this.#channels.add(channel);
    this.ipcMain.handle(channel, (event, ...args) => {
      if (!isTrustedSender(event.senderFrame)) {
        const error = new UntrustedSenderError(channel, event.senderFrame);
        this.onRefused(error);
        throw error;
      }
      return handler(event, ...args);
    });
  }

  removeAll(): void {
    for (const channel of this.#channels) this.ipcMain.removeHandler(channel);
    this.#channels.clear();
  }
}
