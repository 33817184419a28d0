// automerge-repo's MessageChannelNetworkAdapter expects a DOM MessagePort (addEventListener,
// postMessage, start). Electron's MessagePortMain is a Node EventEmitter instead: this gives it
// the DOM shape. Plain Node, so the unit tests run it over a real worker_threads channel.

/** The part of Electron's MessagePortMain used here. */
export interface MainMessagePort {
  on(event: 'message', listener: (messageEvent: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (messageEvent: { data: unknown }) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

type PortEventListener = (event: { data: unknown }) => void;

export class MessagePortMainShim {
  // What was registered on the port for each of the adapter's close listeners, so it can be removed.
  readonly #closeListeners = new Map<PortEventListener, () => void>();

  constructor(readonly port: MainMessagePort) {}

  addEventListener(type: 'message' | 'close', listener: PortEventListener): void {
    if (type === 'message') {
      this.port.off('message', listener);
      this.port.on('message', listener);
    } else if (!this.#closeListeners.has(listener)) {
      const onClose = () => listener({ data: undefined });
      this.#closeListeners.set(listener, onClose);
      this.port.on('close', onClose);
    }
  }

  removeEventListener(type: 'message' | 'close', listener: PortEventListener): void {
    if (type === 'message') {
      this.port.off('message', listener);
      return;
    }
    const onClose = this.#closeListeners.get(listener);
    if (onClose === undefined) return;
    this.#closeListeners.delete(listener);
    this.port.off('close', onClose);
  }

  /**
   * The adapter transfers each message's ArrayBuffer for speed; MessagePortMain can transfer only
   * ports and throws on anything else, so the buffer is copied (structured clone) instead.
   */
  postMessage(message: unknown, _transfer?: readonly unknown[]): void {
    this.port.postMessage(message);
  }

  start(): void {
    this.port.start();
  }

  close(): void {
    this.port.close();
  }
}
