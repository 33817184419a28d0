import { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { NoiseXXHandshake, type CipherState } from '../crypto/noise-xx.js';
import { devicePeerId, type DeviceIdentity } from '../device-identity.js';
import type { InboundThrottle } from './inbound-throttle.js';
import { Channel, CloseCode, HANDSHAKE_TIMEOUT_MS, isChannel, KEEPALIVE_MS, NOISE_PROLOGUE } from './wire.js';

/** Slowed again within this long after the last pause ended: still the same spell over budget. */
const CALM_MS = 1_000;

/** What each side tells the other once both are authenticated. */
export interface SessionHello {
  v: 1;
  name: string;
  /** automerge-repo's storage id, so each side keeps sync state across reconnections. */
  storageId: string | null;
  /** Where this device accepts connections, so the other can dial it next time. */
  syncPort: number | null;
}

const helloSchema = z.object({
  v: z.literal(1),
  name: z.string().min(1).max(64),
  storageId: z.string().min(1).max(100).nullable(),
  syncPort: z.number().int().min(1).max(65535).nullable(),
});

export class SessionError extends Error {
  constructor(
    message: string,
    readonly code: 'untrusted' | 'handshake' | 'timeout' | 'closed',
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

/** An authenticated, encrypted connection to one paired device. */
export interface SecureSession {
  readonly peerId: string;
  readonly remoteKey: Uint8Array;
  readonly hello: SessionHello;
  readonly initiator: boolean;
  readonly closed: boolean;
  send(channel: Channel, body: Uint8Array): void;
  onMessage(listener: (channel: Channel, body: Uint8Array) => void): void;
  onClose(listener: (reason: string) => void): void;
  close(code: number, reason: string): void;
  /**
   * Holds what the device sends to its budget: over it, reading stops until the budget allows
   * (the device's own writes then back up: TCP backpressure); over it for too long, it is disconnected.
   */
  limitInbound(throttle: InboundThrottle): void;
  /** Bytes queued in the socket and not yet sent: senders of bulk data pace themselves by it. */
  readonly bufferedAmount: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

export interface SessionOptions {
  role: 'initiator' | 'responder';
  identity: DeviceIdentity;
  hello: SessionHello;
  /** Asked once the remote key is known; false closes the connection before anything else is said. */
  isTrusted(remoteKey: Uint8Array): boolean;
  timeoutMs?: number;
}

/**
 * Runs the Noise XX handshake over a freshly opened WebSocket, checks the remote static key
 * against the trusted devices, exchanges hellos inside the encrypted channel, and resolves with
 * the session. Anything wrong (a bad or replayed handshake message, an untrusted key, a text
 * frame, a timeout) closes the socket and rejects; nothing of the library is sent before.
 */
export function establishSession(socket: WebSocket, options: SessionOptions): Promise<SecureSession> {
  return new Promise((resolve, reject) => {
    const handshake = new NoiseXXHandshake(options.role, options.identity.keys, NOISE_PROLOGUE);
    let transport: { send: CipherState; receive: CipherState } | null = null;
    let remoteKey: Uint8Array | null = null;
    let settled = false;
    const fail = (error: SessionError, code: number) => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.close(code, error.code);
      reject(error);
    };
    const timer = setTimeout(() => fail(new SessionError('the handshake took too long', 'timeout'), CloseCode.handshakeFailed), options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS);
    const onClose = () => fail(new SessionError('the connection closed during the handshake', 'closed'), CloseCode.handshakeFailed);
    const onError = () => undefined;
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const checkRemote = (): boolean => {
      const key = handshake.remoteStaticKey;
      if (!key) return true;
      remoteKey = key;
      if (options.isTrusted(key)) return true;
      fail(new SessionError(`device ${devicePeerId(key)} is not paired with this library`, 'untrusted'), CloseCode.untrusted);
      return false;
    };
    const sendHello = () => {
      socket.send(transport!.send.encrypt(frame(Channel.control, encodeJson(options.hello))));
    };
    const onMessage = (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (settled) return;
      if (!isBinary) return fail(new SessionError('a text frame during the handshake', 'handshake'), CloseCode.protocol);
      const bytes = toBytes(data);
      try {
        if (!transport) {
          handshake.readMessage(bytes);
          if (!checkRemote()) return;
          if (!handshake.complete) socket.send(handshake.writeMessage());
          if (!handshake.complete) return;
          if (!checkRemote()) return;
          transport = handshake.split();
          // The responder learns who the initiator is last, so it speaks first once it knows.
          if (options.role === 'responder') sendHello();
          return;
        }
        const message = transport.receive.decrypt(bytes);
        if (message[0] !== Channel.control) throw new Error('expected the hello');
        const hello = helloSchema.parse(JSON.parse(new TextDecoder().decode(message.subarray(1))));
        if (options.role === 'initiator') sendHello();
        settled = true;
        cleanup();
        resolve(new NoiseSession(socket, transport, remoteKey!, hello, options.role === 'initiator'));
      } catch (error) {
        fail(new SessionError(`the handshake failed: ${error instanceof Error ? error.message : String(error)}`, 'handshake'), CloseCode.handshakeFailed);
      }
    };
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onError);
    if (options.role === 'initiator') socket.send(handshake.writeMessage());
  });
}

class NoiseSession implements SecureSession {
  readonly peerId: string;
  #closed = false;
  #bytesSent = 0;
  #bytesReceived = 0;
  readonly #messageListeners: ((channel: Channel, body: Uint8Array) => void)[] = [];
  /**
   * Messages that came before anyone listened: the peer's first messages can arrive in the same
   * read as its hello, and ws delivers them in the same tick the handshake resolves.
   */
  #early: [Channel, Uint8Array][] | null = [];
  readonly #closeListeners: ((reason: string) => void)[] = [];
  readonly #keepalive: NodeJS.Timeout;
  #alive = true;
  /** The WebSocket's own TCP stream, when ws exposes it (see #coalesce). */
  readonly #raw: Socket | null;
  #corked = false;
  #throttle: InboundThrottle | null = null;
  #resumeAt = 0;
  #resumeTimer: NodeJS.Timeout | null = null;
  /** When this spell over budget began (null: within budget), and when its last pause ends. */
  #overSince: number | null = null;
  #overUntil = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly transport: { send: CipherState; receive: CipherState },
    readonly remoteKey: Uint8Array,
    readonly hello: SessionHello,
    readonly initiator: boolean,
  ) {
    this.peerId = devicePeerId(remoteKey);
    this.#raw = streamOf(socket);
    socket.on('message', (data, isBinary) => this.#receive(data, isBinary));
    socket.on('close', (code, reason) => this.#onClosed(`closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`));
    socket.on('error', () => undefined);
    socket.on('pong', () => (this.#alive = true));
    this.#keepalive = setInterval(() => {
      // While reading is stopped the pongs wait unread too: a slowed device is not a dead one.
      if (this.#resumeTimer) return;
      if (!this.#alive) return socket.terminate();
      this.#alive = false;
      socket.ping();
    }, KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  get closed(): boolean {
    return this.#closed;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get bytesSent(): number {
    return this.#bytesSent;
  }

  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  limitInbound(throttle: InboundThrottle): void {
    this.#throttle = throttle;
  }

  send(channel: Channel, body: Uint8Array): void {
    if (this.#closed) return;
    const sealed = this.transport.send.encrypt(frame(channel, body));
    this.#bytesSent += sealed.byteLength;
    this.#coalesce();
    this.socket.send(sealed);
  }

  /**
   * Holds the connection's writes until the event loop has run what is queued now: sync answers
   * many small messages at once (one per document), and each written by itself cost a system
   * call (and, on loopback, the other side's wake-up), the largest single cost of a busy sync.
   * Frames and their encryption stay one per message; only the writes are joined.
   */
  #coalesce(): void {
    if (this.#corked || !this.#raw) return;
    const raw = this.#raw;
    this.#corked = true;
    raw.cork();
    setImmediate(() => {
      this.#corked = false;
      raw.uncork();
    });
  }

  onMessage(listener: (channel: Channel, body: Uint8Array) => void): void {
    this.#messageListeners.push(listener);
    const early = this.#early;
    this.#early = null;
    for (const [channel, body] of early ?? []) this.#dispatch(channel, body);
  }

  onClose(listener: (reason: string) => void): void {
    if (this.#closed) listener('closed');
    else this.#closeListeners.push(listener);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.socket.close(code, reason.slice(0, 120));
    // A peer that never answers the close must not hold the connection open.
    setTimeout(() => this.socket.terminate(), 2_000).unref();
    this.#onClosed(reason);
  }

  #receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.#closed) return;
    this.#alive = true;
    if (!isBinary) return this.close(CloseCode.protocol, 'text frame');
    const bytes = toBytes(data);
    this.#bytesReceived += bytes.byteLength;
    if (this.#throttle) {
      const wait = this.#throttle.charge(bytes.byteLength);
      if (wait > 0 && !this.#slowDown(wait)) return;
    }
    let message: Uint8Array;
    try {
      message = this.transport.receive.decrypt(bytes);
    } catch {
      // Forged, replayed, reordered or corrupted: the stream can no longer be trusted.
      return this.close(CloseCode.protocol, 'a frame failed authentication');
    }
    const channel = message[0];
    if (channel === undefined || !isChannel(channel)) return this.close(CloseCode.protocol, 'unknown channel');
    const body = message.subarray(1);
    if (this.#early) this.#early.push([channel, body]);
    else this.#dispatch(channel, body);
  }

  /**
   * Stops reading for `wait` ms (a frame already read is still handled: ws hands over what it has
   * buffered). False when the device has been over budget too long and was disconnected.
   */
  #slowDown(wait: number): boolean {
    const throttle = this.#throttle!;
    const now = performance.now();
    if (this.#overSince === null || now - this.#overUntil > CALM_MS) this.#overSince = now;
    if (now - this.#overSince > throttle.disconnectAfterMs()) {
      throttle.tripped('disconnected', wait);
      this.close(CloseCode.rateLimited, 'over its sync budget for too long');
      return false;
    }
    const resumeAt = now + wait;
    this.#overUntil = Math.max(this.#overUntil, resumeAt);
    if (this.#resumeTimer && resumeAt <= this.#resumeAt) return true;
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    else {
      throttle.tripped('slowed', wait);
      this.socket.pause();
    }
    this.#resumeAt = resumeAt;
    this.#resumeTimer = setTimeout(() => {
      this.#resumeTimer = null;
      this.#alive = true;
      if (!this.#closed) this.socket.resume();
    }, wait);
    return true;
  }

  #dispatch(channel: Channel, body: Uint8Array): void {
    for (const listener of this.#messageListeners) {
      try {
        listener(channel, body);
      } catch (error) {
        return this.close(CloseCode.protocol, `bad message: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  #onClosed(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepalive);
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    this.#resumeTimer = null;
    for (const listener of this.#closeListeners.splice(0)) listener(reason);
  }
}

/** ws keeps the connection's stream as `_socket` (not public; ws 8). Without it, writes are simply not coalesced. */
function streamOf(socket: WebSocket): Socket | null {
  const stream = (socket as unknown as { _socket?: unknown })._socket;
  return stream instanceof Socket ? stream : null;
}

function frame(channel: Channel, body: Uint8Array): Uint8Array {
  const framed = new Uint8Array(body.byteLength + 1);
  framed[0] = channel;
  framed.set(body, 1);
  return framed;
}

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
