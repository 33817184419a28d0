// Devices for the sync tests: each a real `clipshot serve` process with its own library, its sync
// port on loopback, driven through its CLI (the control socket) and its API WebSocket.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import type { ApiServerMessage } from '../../contract/api.js';
import type { SyncStatus } from '../../contract/devices.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { collect, runCli, startCli, waitForLine, type CliResult } from './cli.js';

export interface Device {
  readonly name: string;
  readonly dir: string;
  /** HOST:PORT of its sync listener. */
  syncAddress: string;
  /** Its peer id as other devices know it. */
  deviceId: string;
  origin: string;
  readonly token: string;
  child: ChildProcess;
  /** With `proxied`, the fault proxy every other device reaches this one through. */
  readonly link: FaultProxy | null;
  cli(args: string[], options?: { input?: string }): Promise<CliResult>;
  /** Runs the CLI and parses its single JSON line (fails the test on a non-zero exit). */
  json<T>(args: string[]): Promise<T>;
  api(method: string, params?: unknown): Promise<unknown>;
  status(): Promise<SyncStatus>;
  digest(): Promise<LibraryDigest>;
  /** SIGTERM and wait (a clean stop). */
  stop(): Promise<void>;
  /** SIGKILL: nothing is flushed. */
  kill(): Promise<void>;
  /** Starts its `serve` again on the same library (and the same sync port unless told otherwise). */
  restart(): Promise<void>;
}

export interface LibraryDigest {
  documents: string;
  documentCount: number;
  blobs: string;
  blobCount: number;
  clips: number;
}

const running = new Set<Device>();
const proxies = new Set<FaultProxy>();

/**
 * Starts a device. `proxied` puts a fault proxy in front of its sync port and has it tell other
 * devices to dial the proxy, so every connection to it, in either direction, crosses the proxy.
 */
export async function startDevice(root: string, name: string, options: { proxied?: boolean; keepOriginals?: boolean; env?: Record<string, string> } = {}): Promise<Device> {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  let apiSocket: Promise<WebSocket> | null = null;
  let nextId = 1;
  let syncPort = options.proxied ? await freePort() : 0;
  const link = options.proxied ? await startFaultProxy({ host: '127.0.0.1', port: syncPort }) : null;
  if (link) proxies.add(link);
  const publicPort = link ? ['--sync-public-port', String(link.port)] : [];

  const launch = async () => {
    const child = startCli(['--library', dir, 'serve', '--port', '0', '--sync-host', '127.0.0.1', '--sync-port', String(syncPort), ...publicPort, '--no-discovery', '--no-analysis'], {
      env: { CLIPSHOT_SERVE_TOKEN: token, ...options.env },
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [syncLine, openLine] = await Promise.all([waitForLine(child, /^sync: /), waitForLine(child, /^Open http/)]).catch((error: unknown) => {
      throw new Error(`${name} did not start: ${String(error)}\n${stderr}`);
    });
    device.syncAddress = /sync: (\S+?)[,\s]/.exec(`${syncLine} `)![1]!;
    if (!link) syncPort = Number(device.syncAddress.split(':').pop());
    device.origin = new URL(openLine.slice('Open '.length)).origin;
    device.child = child;
    apiSocket = null;
  };

  const device: Device = {
    name,
    dir,
    syncAddress: '',
    deviceId: '',
    origin: '',
    token,
    child: undefined as unknown as ChildProcess,
    link,
    cli: (args, cliOptions = {}) => runCli(['--library', dir, ...args], cliOptions),
    async json<T>(args: string[]): Promise<T> {
      const result = await device.cli([...args, '--json']);
      if (result.code !== 0) throw new Error(`${name}: clipshot ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout.trim().split('\n').pop()!) as T;
    },
    async api(method, params = {}) {
      apiSocket ??= openApi(device.origin, token);
      const socket = await apiSocket;
      const id = nextId++;
      const answer = await new Promise<ApiServerMessage>((resolve) => {
        const onMessage = (data: WebSocket.RawData) => {
          const message = JSON.parse(data.toString()) as ApiServerMessage;
          if ('id' in message && message.id === id) {
            socket.off('message', onMessage);
            resolve(message);
          }
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ id, method, params }));
      });
      if ('error' in answer) throw Object.assign(new Error(`${name}: ${method}: ${answer.error.message}`), { data: answer.error });
      return (answer as { result: unknown }).result;
    },
    status: () => device.json<SyncStatus>(['sync', 'status']),
    digest: () => device.json<LibraryDigest>(['sync', 'digest']),
    async stop() {
      await closeApi();
      await stopChild(device.child, 'SIGTERM');
    },
    async kill() {
      await closeApi();
      await stopChild(device.child, 'SIGKILL');
    },
    async restart() {
      await launch();
    },
  };
  const closeApi = async () => {
    const socket = apiSocket ? await apiSocket.catch(() => null) : null;
    socket?.close();
    apiSocket = null;
  };
  await launch();
  running.add(device);
  device.deviceId = (await device.status()).device.id;
  if ((await device.cli(['devices', 'rename', name])).code !== 0) throw new Error(`${name}: devices rename failed`);
  if (options.keepOriginals && (await device.cli(['sync', 'originals', 'all'])).code !== 0) throw new Error(`${name}: sync originals all failed`);
  return device;
}

/** Stops every device the tests started (call from afterEach). */
export async function stopAllDevices(): Promise<void> {
  await Promise.all([...running].map((device) => device.stop().catch(() => undefined)));
  running.clear();
  await Promise.all([...proxies].map((proxy) => proxy.close().catch(() => undefined)));
  proxies.clear();
}

/** Pairs two running devices through their CLIs: `a` shows a code, `b` types it in; `person`: they are two people's. */
export async function pairDevices(a: Device, b: Device, options: { peer?: string; person?: boolean } = {}): Promise<void> {
  const person = options.person ? ['--person'] : [];
  const inviter = startCli(['--library', a.dir, 'pair', '--json', ...person]);
  const invitationLine = await waitForLine(inviter, /"invitation"/);
  // Collected from now on: the inviter may exit before the joiner's command returns.
  const inviterResult = collect(inviter);
  const { invitation } = JSON.parse(invitationLine) as { invitation: { code: string } };
  const joined = await b.cli(['pair', invitation.code, '--peer', options.peer ?? a.syncAddress, '--json', ...person]);
  const shown = await inviterResult;
  if (joined.code !== 0 || shown.code !== 0) throw new Error(`pairing ${a.name} and ${b.name} failed:\n${joined.stderr}\n${shown.stderr}`);
}

/**
 * Waits until every device reports the same documents and clips and, with `blobs` (for devices
 * that keep every original), the same blobs.
 */
export async function waitForConvergence(devices: Device[], timeoutMs = 60_000, options: { blobs?: boolean } = {}): Promise<LibraryDigest> {
  const compareBlobs = options.blobs ?? true;
  const deadline = Date.now() + timeoutMs;
  let last: LibraryDigest[] = [];
  for (;;) {
    last = await Promise.all(devices.map((device) => device.digest()));
    const first = last[0]!;
    if (last.every((digest) => digest.documents === first.documents && (!compareBlobs || digest.blobs === first.blobs) && digest.clips === first.clips)) return first;
    if (Date.now() > deadline) throw new Error(`devices did not converge: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function openApi(origin: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${origin.replace('http', 'ws')}/api`, { headers: { Authorization: `Bearer ${token}` } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`API refused: ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}
