// Not a test: how many thumbnails a second blob sync moves between two devices over loopback.
// Run: npx tsc -p tsconfig.json; node out/tests/integration/sync-blobs-measure.js [count] [--direct | --two-processes]
// Each device has its own BlobStore; by default they talk over a real WebSocket on 127.0.0.1 (no
// Noise encryption: that is the connection's cost, not blob sync's) in one process; --two-processes
// puts the serving device in a child process, as two devices would be; --direct joins them in-process.
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { BlobStore } from '../../main/library/blobs/blob-store.js';
import { BlobSync } from '../../main/sync/blobs/blob-sync.js';

const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 10_000);
const direct = process.argv.includes('--direct');
const twoProcesses = process.argv.includes('--two-processes');
const servingChild = process.argv.includes('--serving-child');

function device(work: string, name: string): { store: BlobStore; sync: BlobSync } {
  const store = new BlobStore(path.join(work, name, 'blobs'), { contentKey: randomBytes(32), nameKey: randomBytes(32) });
  const sync = new BlobSync(store, { partialDir: path.join(work, name, 'partial'), partialKey: randomBytes(32), mayServe: () => true });
  return { store, sync };
}

async function joinDirect(a: BlobSync, b: BlobSync): Promise<() => Promise<void>> {
  const link = (to: BlobSync, from: string, peerId: string) => ({ peerId, send: (message: Uint8Array) => setImmediate(() => to.receive(from, Buffer.from(message))) });
  a.addPeer(link(b, 'device-a', 'device-b'));
  b.addPeer(link(a, 'device-b', 'device-a'));
  return async () => undefined;
}

async function joinWebSocket(a: BlobSync, b: BlobSync): Promise<() => Promise<void>> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 32 * 1024 * 1024 });
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { maxPayload: 32 * 1024 * 1024 });
  await new Promise((resolve) => client.once('open', resolve));
  const serverSide = await accepted;
  for (const [socket, sync, from] of [[serverSide, a, 'device-b'], [client, b, 'device-a']] as const) {
    socket.on('message', (data: Buffer) => sync.receive(from, data));
  }
  a.addPeer({ peerId: 'device-b', send: (message) => serverSide.send(message) });
  b.addPeer({ peerId: 'device-a', send: (message) => client.send(message) });
  return async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  };
}

/** The serving device, in a child: fills its store, listens, and tells the parent the port and the hashes. */
async function serveFromChild(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-blob-sync-measure-child-'));
  const a = device(work, 'a');
  const { hashes } = await fill(a.store);
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 32 * 1024 * 1024 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.once('connection', (socket: WebSocket) => {
    socket.on('message', (data: Buffer) => a.sync.receive('device-b', data));
    a.sync.addPeer({ peerId: 'device-b', send: (message) => socket.send(message) });
  });
  process.send!({ port: (server.address() as AddressInfo).port, hashes });
  process.once('message', () => {
    void a.sync.close().then(() => fs.rm(work, { recursive: true, force: true })).then(() => process.exit(0));
  });
}

async function fill(store: BlobStore): Promise<{ hashes: string[]; bytes: number }> {
  const hashes: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i += 1) {
    const content = randomBytes(10_000 + Math.floor(Math.random() * 30_000));
    bytes += content.length;
    hashes.push(createHash('sha256').update(content).digest('hex'));
    await store.putBytes(content);
  }
  return { hashes, bytes };
}

/** Fetches everything from the child, over a WebSocket. */
async function fetchFromChild(work: string): Promise<void> {
  const child = fork(process.argv[1]!, [String(count), '--serving-child'], { stdio: 'inherit' });
  const { port, hashes } = await new Promise<{ port: number; hashes: string[] }>((resolve) => child.once('message', resolve as (value: unknown) => void));
  const b = device(work, 'b');
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 32 * 1024 * 1024 });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.on('message', (data: Buffer) => b.sync.receive('device-a', data));
  b.sync.addPeer({ peerId: 'device-a', send: (message) => socket.send(message) });
  const cpu = process.cpuUsage();
  const started = performance.now();
  b.sync.want(hashes);
  while (b.sync.progress.pending > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (b.sync.progress.fetched !== count) throw new Error(`fetched ${b.sync.progress.fetched} of ${count}`);
  console.log(
    JSON.stringify({
      transport: 'websocket-loopback, two processes',
      thumbnails: count,
      megabytes: Math.round(b.sync.progress.bytesReceived / 1e5) / 10,
      seconds: Math.round(seconds * 100) / 100,
      thumbnails_per_second: Math.round(count / seconds),
      receiver_cpu_user_seconds: Math.round((used.user / 1e6) * 100) / 100,
      receiver_cpu_system_seconds: Math.round((used.system / 1e6) * 100) / 100,
    }),
  );
  await b.sync.close();
  socket.close();
  child.send('done');
  await new Promise((resolve) => child.once('exit', resolve));
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-blob-sync-measure-'));
  try {
    if (twoProcesses) {
      await fetchFromChild(work);
      return;
    }
    const a = device(work, 'a');
    const b = device(work, 'b');
    const { hashes, bytes } = await fill(a.store);
    const close = direct ? await joinDirect(a.sync, b.sync) : await joinWebSocket(a.sync, b.sync);
    const cpu = process.cpuUsage();
    const started = performance.now();
    b.sync.want(hashes);
    while (b.sync.progress.pending > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (b.sync.progress.fetched !== count) throw new Error(`fetched ${b.sync.progress.fetched} of ${count}`);
    console.log(
      JSON.stringify({
        transport: direct ? 'in-process' : 'websocket-loopback',
        thumbnails: count,
        megabytes: Math.round(bytes / 1e5) / 10,
        seconds: Math.round(seconds * 100) / 100,
        thumbnails_per_second: Math.round(count / seconds),
        cpu_user_seconds: Math.round((used.user / 1e6) * 100) / 100,
        cpu_system_seconds: Math.round((used.system / 1e6) * 100) / 100,
      }),
    );
    await Promise.all([a.sync.close(), b.sync.close()]);
    await close();
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

await (servingChild ? serveFromChild() : main());
