// One pairing conversation over a message transport: messages read in order with one deadline for the
// whole exchange, and one way to end it — done, or failed with a reason that is told to the other
// side (an abort message) unless the other side is the one who ended it.
import { PairingError } from './pairing-error.js';
import { decodePairingMessage, encodePairingMessage } from './pairing-messages.js';
import type { PairingMessage } from './pairing-messages.js';

/** A bidirectional message pipe (a WebSocket in production); messages arrive whole and in order. */
export interface PairingTransport {
  send(message: Uint8Array): void;
  onMessage(listener: (message: Uint8Array) => void): void;
  onClose(listener: () => void): void;
  close(): void;
}

// The protocol never has more than one message in flight per direction; a peer that floods is not pairing.
const MAX_QUEUED = 4;

export class PairingChannel {
  readonly #transport: PairingTransport;
  readonly #queue: unknown[] = [];
  #waiter: { resolve: (message: unknown) => void; reject: (error: PairingError) => void } | null = null;
  #ended: PairingError | null = null;
  readonly #timer: NodeJS.Timeout;

  constructor(transport: PairingTransport, timeoutMs: number) {
    this.#transport = transport;
    transport.onMessage((message) => this.#receive(message));
    transport.onClose(() => this.#end(new PairingError('cancelled', 'the other device closed the connection before pairing finished')));
    this.#timer = setTimeout(() => this.fail(new PairingError('timeout', `pairing did not finish within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  }

  /** The next message, decoded; an abort from the other side rejects with its reason. */
  async receive(): Promise<PairingMessage> {
    const raw = await this.#next();
    let message: PairingMessage;
    try {
      message = decodePairingMessage(raw);
    } catch (error) {
      this.fail(error as PairingError);
      throw error;
    }
    if (message.type === 'abort') {
      const error = new PairingError(message.reason, `the other device gave up: ${new PairingError(message.reason).message}`);
      this.#end(error);
      throw error;
    }
    return message;
  }

  /** The next message, which must be of `type`. */
  async expect<T extends PairingMessage['type']>(type: T): Promise<Extract<PairingMessage, { type: T }>> {
    const message = await this.receive();
    if (message.type !== type) throw this.fail(new PairingError('protocol', `expected a ${type} message, got ${message.type}`));
    return message as Extract<PairingMessage, { type: T }>;
  }

  send(message: PairingMessage): void {
    if (this.#ended) throw this.#ended;
    this.#transport.send(encodePairingMessage(message));
  }

  /** Ends the conversation successfully (whatever was sent is still delivered: transports close after their queue). */
  finish(): void {
    this.#end(new PairingError('cancelled', 'the pairing conversation is over'));
  }

  /**
   * Ends the conversation with `error`, telling the other side why unless it ended it itself, and
   * returns the error that ended it (the first, if it had already ended).
   */
  fail(error: PairingError): PairingError {
    if (this.#ended) return this.#ended;
    // (When the other side ended it, by an abort or a close, the conversation has ended already and
    // nothing is sent back.)
    try {
      this.#transport.send(encodePairingMessage({ type: 'abort', reason: error.code === 'invalid-code' ? 'protocol' : error.code }));
    } catch {
      // The connection is already gone; there is nobody left to tell.
    }
    this.#end(error);
    return error;
  }

  /** How the conversation ended, or null while it goes on. */
  get ended(): PairingError | null {
    return this.#ended;
  }

  #receive(message: unknown): void {
    if (this.#ended) return;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter.resolve(message);
      return;
    }
    if (this.#queue.length >= MAX_QUEUED) {
      this.fail(new PairingError('protocol', 'the other device sent more messages than the protocol allows'));
      return;
    }
    this.#queue.push(message);
  }

  #next(): Promise<unknown> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift());
    if (this.#ended) return Promise.reject(this.#ended);
    if (this.#waiter) return Promise.reject(new Error('PairingChannel: one reader at a time'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #end(error: PairingError): void {
    if (this.#ended) return;
    this.#ended = error;
    clearTimeout(this.#timer);
    const waiter = this.#waiter;
    this.#waiter = null;
    try {
      this.#transport.close();
    } catch {
      // Closing twice, or a socket that already failed: either way it is closed.
    }
    waiter?.reject(error);
  }
}
