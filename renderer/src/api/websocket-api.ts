import { ApiError, requestsThrough, type ApiEvent, type ApiMethod, type ApiServerMessage, type ClipShotApi } from '../../../contract/api.js';
import { exportPath, mediaPath } from '../../../contract/media.js';
import type { ConnectionState, ConnectionStatus } from './connection-status.js';
import { ObservableConnectionStatus } from './connection-status.js';

const FIRST_RETRY_MS = 250;
/** `serve` beyond this device closes a socket with this code when its login session ends (main/server/remote/remote-login.ts). */
export const SESSION_ENDED_CLOSE_CODE = 4401;

export interface WebSocketApiOptions {
  /** The login session ended (expired, logged out): `reason` is the server's word for why. No reconnecting after it. */
  onSessionEnded?(reason: string): void;
  /** A connection was refused before it opened: the page may check whether it is still logged in. */
  onRefused?(): void;
}
const MAX_RETRY_MS = 5000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: ApiError): void;
}

/**
 * The API over a WebSocket to `clipshot serve` (same origin; the session cookie authenticates it).
 * Reconnects by itself with backoff; requests made while disconnected wait for the connection,
 * and requests in flight when it drops fail with a 'disconnected' error (they may or may not have run).
 */
export class WebSocketApiClient {
  readonly status = new ObservableConnectionStatus('reconnecting');
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(event: ApiEvent) => void>();
  readonly #waitingForOpen: (() => void)[] = [];
  #socket: WebSocket | null = null;
  #nextId = 1;
  #retryMs = FIRST_RETRY_MS;
  #closed = false;

  constructor(
    private readonly socketUrl: string,
    private readonly origin: string,
    private readonly options: WebSocketApiOptions = {},
  ) {
    this.#connect();
  }

  readonly api: ClipShotApi = {
    ...requestsThrough((method, params) => this.#request(method, params)),
    mediaUrl: (clipId, media, options) => `${this.origin}${mediaPath(clipId, media, options)}`,
    exportUrl: (jobId) => `${this.origin}${exportPath(jobId)}`,
    onEvent: (listener) => {
      this.#listeners.add(listener);
      return () => this.#listeners.delete(listener);
    },
  };

  get connection(): ConnectionStatus {
    return this.status;
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close();
  }

  #connect(): void {
    const socket = new WebSocket(this.socketUrl);
    this.#socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
      this.#retryMs = FIRST_RETRY_MS;
      this.status.set('connected');
      for (const resume of this.#waitingForOpen.splice(0)) resume();
    });
    socket.addEventListener('message', (event: MessageEvent) => this.#receive(String(event.data)));
    socket.addEventListener('close', (event: CloseEvent) => {
      this.#socket = null;
      if (event.code === SESSION_ENDED_CLOSE_CODE) this.#closed = true;
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        pending.reject(new ApiError('disconnected', 'the connection to ClipShot was lost before it answered'));
      }
      if (event.code === SESSION_ENDED_CLOSE_CODE) this.options.onSessionEnded?.(/^session ended: ([a-z-]+)$/.exec(event.reason)?.[1] ?? 'ended');
      if (this.#closed) return;
      if (!opened) this.options.onRefused?.();
      this.status.set('reconnecting');
      setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryMs = Math.min(MAX_RETRY_MS, this.#retryMs * 2);
    });
  }

  #receive(text: string): void {
    let message: ApiServerMessage;
    try {
      message = JSON.parse(text) as ApiServerMessage;
    } catch {
      return;
    }
    if ('event' in message) {
      for (const listener of this.#listeners) listener(message.event);
      return;
    }
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if ('error' in message) pending.reject(ApiError.from(message.error));
    else pending.resolve(message.result);
  }

  async #request(method: ApiMethod, params: unknown): Promise<never> {
    while (this.#socket?.readyState !== WebSocket.OPEN) {
      if (this.#closed) throw new ApiError('disconnected', 'the connection to ClipShot is closed');
      await new Promise<void>((resolve) => this.#waitingForOpen.push(resolve));
    }
    const id = this.#nextId++;
    const socket = this.#socket;
    return new Promise<never>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params: params ?? {} }));
    });
  }
}

export type { ConnectionState };
