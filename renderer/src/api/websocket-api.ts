import { ApiError, requestsThrough, type ApiEvent, type ApiMethod, type ApiServerMessage, type ClipShotApi } from '../../../contract/api.js';
import { exportPath, mediaPath } from '../../../contract/media.js';
import type { ConnectionState, ConnectionStatus } from './connection-status.js';
import { ObservableConnectionStatus } from './connection-status.js';

const FIRST_RETRY_MS = 250;
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
    socket.addEventListener('open', () => {
      this.#retryMs = FIRST_RETRY_MS;
      this.status.set('connected');
      for (const resume of this.#waitingForOpen.splice(0)) resume();
    });
    socket.addEventListener('message', (event: MessageEvent) => this.#receive(String(event.data)));
    socket.addEventListener('close', () => {
      this.#socket = null;
      for (const [id, pending] of this.#pending) {
        this.#pending.delete(id);
        pending.reject(new ApiError('disconnected', 'the connection to ClipShot was lost before it answered'));
      }
      if (this.#closed) return;
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
