import { checkPeerAddress } from '../../../contract/device-inputs.js';
import { WebSocket } from 'ws';
import { MAX_FRAME_BYTES, SYNC_PATH } from './wire.js';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** HOST:PORT, with [IPv6] in brackets (the rule the API and the forms use); throws a clear error for anything else. */
export function parsePeerAddress(text: string): { host: string; port: number } {
  const checked = checkPeerAddress(text);
  if (!checked.ok) throw Object.assign(new Error(`"${text.slice(0, 100)}" is not HOST:PORT: ${checked.reason}`), { code: 'invalid-address' });
  const colon = checked.value.lastIndexOf(':');
  return { host: checked.value.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(checked.value.slice(colon + 1)) };
}

export function formatPeerAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Opens a WebSocket to a device's sync or pairing path; rejects with a one-line reason. */
export function openSocket(address: string, path: string = SYNC_PATH): Promise<WebSocket> {
  const { host, port } = parsePeerAddress(address);
  const url = `ws://${formatPeerAddress(host, port)}${path}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: CONNECT_TIMEOUT_MS, perMessageDeflate: false });
    const fail = (error: Error) => {
      socket.removeAllListeners('open');
      socket.terminate();
      reject(Object.assign(new Error(`cannot reach ${address}: ${error.message}`), { code: 'unreachable' }));
    };
    socket.once('error', fail);
    socket.once('unexpected-response', (_request, response) => fail(new Error(`it answered HTTP ${response.statusCode}`)));
    socket.once('open', () => {
      socket.off('error', fail);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/**
 * When to try a device again: soon after a failure, then less and less often, and at once after
 * any success.
 */
export class RetrySchedule {
  readonly #delays = new Map<string, number>();

  nextDelay(key: string): number {
    const delay = this.#delays.get(key) ?? FIRST_RETRY_MS;
    this.#delays.set(key, Math.min(delay * 2, MAX_RETRY_MS));
    return delay;
  }

  succeeded(key: string): void {
    this.#delays.delete(key);
  }
}
