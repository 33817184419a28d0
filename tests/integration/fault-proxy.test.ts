// The fault proxy the sync fault tests put between peers, tried against a plain TCP echo server.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';

interface ServerSide {
  received: Buffer[];
  closed: boolean;
}

/** An echo server that also records what each of its connections received, and when it closed. */
async function startEchoServer(): Promise<{ port: number; sides: ServerSide[]; close: () => Promise<void> }> {
  const sides: ServerSide[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    const side: ServerSide = { received: [], closed: false };
    sides.push(side);
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => side.received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      side.closed = true;
      sockets.delete(socket);
    });
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sides,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Client {
  socket: net.Socket;
  received: () => Buffer;
  receivedLength: () => number;
  error: () => NodeJS.ErrnoException | null;
  closed: Promise<void>;
  /** Resolves once `bytes` have come back. */
  receivedAtLeast: (bytes: number) => Promise<Buffer>;
}

function connect(port: number): Promise<Client> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let length = 0;
  let failure: NodeJS.ErrnoException | null = null;
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    for (const waiter of [...waiters]) waiter();
  });
  socket.on('error', (error) => (failure = error));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const received = () => Buffer.concat(chunks);
  const client: Client = {
    socket,
    received,
    receivedLength: () => length,
    error: () => failure,
    closed,
    receivedAtLeast: (bytes) =>
      new Promise((resolve) => {
        const check = () => {
          if (length < bytes) return;
          waiters.splice(waiters.indexOf(check), 1);
          resolve(received());
        };
        waiters.push(check);
        check();
      }),
  };
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<{ proxy: FaultProxy; echo: Awaited<ReturnType<typeof startEchoServer>>; open: () => Promise<Client> }> {
  const echo = await startEchoServer();
  cleanups.push(echo.close);
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: echo.port });
  cleanups.push(() => proxy.close());
  const open = async () => {
    const client = await connect(proxy.port);
    cleanups.push(() => void client.socket.destroy());
    return client;
  };
  return { proxy, echo, open };
}

async function roundTrip(client: Client, message: Buffer): Promise<number> {
  const before = client.receivedLength();
  const started = performance.now();
  client.socket.write(message);
  await client.receivedAtLeast(before + message.length);
  return performance.now() - started;
}

describe('startFaultProxy', () => {
  it('forwards both ways unchanged, and counts', async () => {
    const { proxy, echo, open } = await setUp();
    expect(proxy.port).toBeGreaterThan(0);
    const client = await open();
    const data = randomBytes(4 * 1024 * 1024);
    client.socket.end(data);
    expect((await client.receivedAtLeast(data.length)).equals(data)).toBe(true);
    await client.closed;
    expect(client.error()).toBe(null);
    expect(Buffer.concat(echo.sides[0]!.received).equals(data)).toBe(true);
    expect(proxy.stats).toEqual({ connections: 1, bytesForwarded: 2 * data.length });
  });

  it('delays every chunk in both directions, keeping their order', async () => {
    const { proxy, open } = await setUp();
    const client = await open();
    expect(await roundTrip(client, Buffer.from('warm up'))).toBeLessThan(150);

    proxy.setDelay(200);
    const delayed = await roundTrip(client, Buffer.from('ping'));
    expect(delayed).toBeGreaterThanOrEqual(400 - 5);
    expect(delayed).toBeLessThan(5_000);

    // Many small writes under a delay come back in order; then a shorter delay applies at once.
    const parts = Array.from({ length: 200 }, (_, i) => Buffer.from(`${i},`));
    const before = client.received().length;
    for (const part of parts) client.socket.write(part);
    const total = Buffer.concat(parts);
    expect((await client.receivedAtLeast(before + total.length)).subarray(before).equals(total)).toBe(true);

    // Bytes sent after the delay is lowered wait for those sent before it: never reordered.
    const start = client.receivedLength();
    client.socket.write('slow,');
    proxy.setDelay(0);
    client.socket.write('fast');
    expect((await client.receivedAtLeast(start + 9)).subarray(start).toString()).toBe('slow,fast');
    expect(await roundTrip(client, Buffer.from('fast again'))).toBeLessThan(150);
  });

  it('cut resets both sides of every connection', async () => {
    const { proxy, echo, open } = await setUp();
    const first = await open();
    const second = await open();
    await roundTrip(first, Buffer.from('hello'));
    await roundTrip(second, Buffer.from('hello'));

    proxy.cut();
    await Promise.all([first.closed, second.closed]);
    expect(first.error()?.code).toBe('ECONNRESET');
    expect(second.error()?.code).toBe('ECONNRESET');
    await expect.poll(() => echo.sides.map((side) => side.closed)).toEqual([true, true]);

    // The proxy itself carries on.
    const third = await open();
    await roundTrip(third, Buffer.from('after the cut'));
    expect(proxy.stats.connections).toBe(3);
  });

  it('truncates each direction of a connection after N bytes, then cuts it', async () => {
    const { proxy, echo, open } = await setUp();
    proxy.setTruncateAfter(1_000);
    const client = await open();
    const data = randomBytes(64 * 1024);
    client.socket.write(data);
    await client.closed;
    expect(client.error()?.code).toBe('ECONNRESET');
    await expect.poll(() => echo.sides[0]?.closed).toBe(true);
    expect(Buffer.concat(echo.sides[0]!.received).equals(data.subarray(0, 1_000))).toBe(true);
    // What came back is a prefix of what went: at most the first 1,000 bytes.
    expect(data.subarray(0, client.received().length).equals(client.received())).toBe(true);
    expect(client.received().length).toBeLessThanOrEqual(1_000);

    // Exactly at the limit: all N bytes arrive, then the cut.
    const exact = await open();
    exact.socket.write(data.subarray(0, 1_000));
    await exact.closed;
    await expect.poll(() => echo.sides[1]?.closed).toBe(true);
    expect(Buffer.concat(echo.sides[1]!.received).equals(data.subarray(0, 1_000))).toBe(true);

    proxy.setTruncateAfter(null);
    const whole = await open();
    await roundTrip(whole, data);
    expect(whole.received().equals(data)).toBe(true);
  });

  it('flips every Nth byte, and only those', async () => {
    const { proxy, echo, open } = await setUp();
    proxy.setCorrupt(100);
    const client = await open();
    const data = randomBytes(100_000);
    // In pieces, so that the count carries across chunks.
    for (let offset = 0; offset < data.length; offset += 777) client.socket.write(data.subarray(offset, offset + 777));
    await client.receivedAtLeast(data.length);
    const atServer = Buffer.concat(echo.sides[0]!.received);
    const differing = (a: Buffer, b: Buffer) => [...a.keys()].filter((index) => a[index] !== b[index]);
    const everyHundredth = Array.from({ length: 1_000 }, (_, i) => i * 100 + 99);
    expect(differing(atServer, data)).toEqual(everyHundredth);
    // Flipped again on the way back: the same positions, so the client gets the original.
    expect(differing(client.received(), atServer)).toEqual(everyHundredth);

    proxy.setCorrupt(null);
    const clean = await open();
    await roundTrip(clean, data);
    expect(clean.received().equals(data)).toBe(true);
  });

  it('refuses new connections while paused, keeps open ones, and accepts again after resume', async () => {
    const { proxy, echo, open } = await setUp();
    const established = await open();
    proxy.pause();

    const refused = await connect(proxy.port).then(
      async (client) => {
        await client.closed;
        return client.error()?.code;
      },
      (error: NodeJS.ErrnoException) => error.code,
    );
    expect(refused).toBe('ECONNRESET');
    expect(echo.sides).toHaveLength(1);
    await roundTrip(established, Buffer.from('still up'));

    proxy.resume();
    const later = await open();
    await roundTrip(later, Buffer.from('back'));
    expect(echo.sides).toHaveLength(2);
    expect(proxy.stats.connections).toBe(2);
  });

  it('moves a large stream intact under a delay, and close ends it all', async () => {
    const { proxy, open } = await setUp();
    proxy.setDelay(5);
    const client = await open();
    const data = randomBytes(32 * 1024 * 1024);
    await roundTrip(client, data);
    expect(client.received().equals(data)).toBe(true);

    await proxy.close();
    await client.closed;
    expect(client.error()?.code).toBe('ECONNRESET');
    await expect(connect(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses settings that mean nothing', async () => {
    const { proxy } = await setUp();
    expect(() => proxy.setDelay(-1)).toThrow(RangeError);
    expect(() => proxy.setCorrupt(0)).toThrow(RangeError);
    expect(() => proxy.setTruncateAfter(1.5)).toThrow(RangeError);
  });
});
