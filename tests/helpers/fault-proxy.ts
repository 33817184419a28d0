import net from 'node:net';

// A TCP proxy on 127.0.0.1 that stands for a bad network between two sync peers: it delays, cuts,
// truncates and corrupts what it forwards, and can refuse new connections (the link is down) and
// accept them again. Faults apply to real sockets, so the peers see what a real network does to them:
// late bytes, connections reset, streams that stop mid-frame, flipped bits.

export interface FaultProxy {
  /** Listens on 127.0.0.1; connections go on to the target. */
  readonly port: number;
  /** Delays every chunk by this many ms, in both directions, from now on (order is kept). */
  setDelay(ms: number): void;
  /** Resets every current connection, both sides, at once (a TCP RST: no goodbye, unsent bytes lost). */
  cut(): void;
  /** Per connection and direction: forwards only this many bytes in all, then cuts; null: no limit. */
  setTruncateAfter(bytes: number | null): void;
  /** Flips every bit of every Nth byte forwarded in each direction of each connection; null: no corruption. */
  setCorrupt(everyNthByte: number | null): void;
  /** New connections are reset as soon as they are accepted (the link is down); open ones carry on. */
  pause(): void;
  resume(): void;
  /** Connections proxied (refused ones not counted) and bytes forwarded (both directions) since the start. */
  readonly stats: { connections: number; bytesForwarded: number };
  /** Cuts every connection and stops listening. */
  close(): Promise<void>;
}

/** Above this many bytes waiting in one direction, the proxy stops reading the sender (backpressure). */
const HIGH_WATER = 1024 * 1024;

interface Settings {
  delayMs: number;
  truncateAfter: number | null;
  corruptEvery: number | null;
}

type Item = { chunk: Buffer; dueAt: number } | { end: true; dueAt: number };

/** One direction of one connection: from `source` to `destination`, through the faults. */
class Direction {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private forwarded = 0;
  private stopped = false;

  constructor(
    private readonly source: net.Socket,
    private readonly destination: net.Socket,
    private readonly settings: Settings,
    private readonly counted: (bytes: number) => void,
    private readonly cut: () => void,
  ) {
    source.on('data', (chunk: Buffer) => this.enqueue({ chunk, dueAt: this.dueAt() }));
    source.on('end', () => this.enqueue({ end: true, dueAt: this.dueAt() }));
    destination.on('drain', () => this.flush());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.queue.length = 0;
  }

  /** Never before what is already queued: a delay changed mid-stream keeps the bytes in order. */
  private dueAt(): number {
    const last = this.queue.at(-1);
    return Math.max(Date.now() + this.settings.delayMs, last?.dueAt ?? 0);
  }

  private enqueue(item: Item): void {
    if (this.stopped) return;
    this.queue.push(item);
    if ('chunk' in item) this.queuedBytes += item.chunk.length;
    if (this.queuedBytes + this.destination.writableLength > HIGH_WATER) this.source.pause();
    this.flush();
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    while (!this.stopped && this.queue.length > 0 && !this.destination.writableNeedDrain) {
      const item = this.queue[0]!;
      const wait = item.dueAt - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.flush(), wait);
        return;
      }
      this.queue.shift();
      if ('end' in item) this.destination.end();
      else {
        this.queuedBytes -= item.chunk.length;
        this.forward(item.chunk);
      }
    }
    if (!this.stopped && this.queuedBytes + this.destination.writableLength <= HIGH_WATER / 2) this.source.resume();
  }

  private forward(received: Buffer): void {
    const { truncateAfter, corruptEvery } = this.settings;
    const allowed = truncateAfter === null ? received.length : Math.max(0, truncateAfter - this.forwarded);
    const limitReached = truncateAfter !== null && received.length >= allowed;
    const chunk = Buffer.from(received.subarray(0, Math.min(received.length, allowed)));
    if (corruptEvery !== null) {
      // Byte n of the stream (counting from 1) is flipped when n is a multiple of corruptEvery.
      for (let index = corruptEvery - 1 - (this.forwarded % corruptEvery); index < chunk.length; index += corruptEvery) chunk[index]! ^= 0xff;
    }
    this.forwarded += chunk.length;
    this.counted(chunk.length);
    if (!limitReached) {
      this.destination.write(chunk);
      return;
    }
    // The last allowed bytes reach the destination's kernel before the reset, so it can read them.
    this.stop();
    if (chunk.length === 0) this.cut();
    else this.destination.write(chunk, () => this.cut());
  }
}

class ProxiedConnection {
  private readonly directions: Direction[];
  private done = false;

  constructor(
    private readonly client: net.Socket,
    private readonly upstream: net.Socket,
    settings: Settings,
    counted: (bytes: number) => void,
    private readonly onDone: (connection: ProxiedConnection) => void,
  ) {
    const cut = () => this.cut();
    this.directions = [new Direction(client, upstream, settings, counted, cut), new Direction(upstream, client, settings, counted, cut)];
    for (const socket of [client, upstream]) {
      // An error on one side (a reset, the target refusing) resets the other: the fault passes through.
      socket.on('error', cut);
      socket.on('close', () => {
        if (client.destroyed && upstream.destroyed) this.finish();
      });
    }
  }

  cut(): void {
    if (this.done) return;
    for (const direction of this.directions) direction.stop();
    for (const socket of [this.client, this.upstream]) {
      // resetAndDestroy sends a RST; a socket still connecting has nothing to reset.
      if (!socket.destroyed) {
        if (socket.connecting) socket.destroy();
        else socket.resetAndDestroy();
      }
    }
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const direction of this.directions) direction.stop();
    this.onDone(this);
  }
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const settings: Settings = { delayMs: 0, truncateAfter: null, corruptEvery: null };
  const stats = { connections: 0, bytesForwarded: 0 };
  const connections = new Set<ProxiedConnection>();
  let paused = false;

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    if (paused) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    stats.connections += 1;
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    const connection = new ProxiedConnection(client, upstream, settings, (bytes) => (stats.bytesForwarded += bytes), (finished) => connections.delete(finished));
    connections.add(connection);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  const checkCount = (value: number | null, what: string) => {
    if (value !== null && (!Number.isInteger(value) || value < (what === 'truncate' ? 0 : 1))) throw new RangeError(`${what}: not a valid byte count: ${value}`);
  };
  const cutAll = () => {
    for (const connection of [...connections]) connection.cut();
  };

  return {
    port,
    stats,
    setDelay(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delay: not a valid number of ms: ${ms}`);
      settings.delayMs = ms;
    },
    cut: cutAll,
    setTruncateAfter(bytes) {
      checkCount(bytes, 'truncate');
      settings.truncateAfter = bytes;
    },
    setCorrupt(everyNthByte) {
      checkCount(everyNthByte, 'corrupt');
      settings.corruptEvery = everyNthByte;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
    },
    close() {
      cutAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
