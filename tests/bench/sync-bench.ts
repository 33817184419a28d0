// `npm run bench -- sync`: device-to-device sync between real `clipshot serve` processes on
// loopback (pairing, Noise, encrypted frames, manifests, blob transfers: the real thing), and the
// same document sync over automerge-repo's plain WebSocket adapters as the baseline.
//   (a) a new device syncing a 10,000-clip library, documents and every thumbnail, from one peer
//   (b) three devices converging after 1,000 offline edits on each
//   (c) the documents of a 10,000-clip library, ours against plain automerge-repo
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyncStatus } from '../../contract/devices.js';
import { Library } from '../../main/library/library.js';
import { TEST_PASSPHRASE, waitForLine } from '../helpers/cli.js';
import { pairDevices, startDevice, stopAllDevices, type Device } from '../helpers/sync-devices.js';
import { fillSyncLibrary } from './sync-library.js';
import type { AuditPage } from '../../contract/audit.js';

const NEW_DEVICE_CLIPS = 10_000;
const CONVERGE_CLIPS = 3_000;
const EDITS_PER_DEVICE = 1_000;
const POLL_MS = 100;
const BENCH_SCRYPT_COST = { N: 2 ** 14, r: 8, p: 1 };

export async function benchSync(): Promise<Record<string, number | string>> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-sync-bench-'));
  try {
    const newDevice = await benchNewDevice(path.join(work, 'new-device'));
    const converge = await benchThreeDevices(path.join(work, 'three'));
    const baseline = await benchAgainstBaseline(path.join(work, 'baseline'));
    return { ...newDevice, ...converge, ...baseline };
  } finally {
    await stopAllDevices();
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function makeLibrary(dir: string, clips: number, kind: 'image' | 'text'): Promise<string[]> {
  const library = await Library.create(dir, { passphrase: TEST_PASSPHRASE, scryptCost: BENCH_SCRYPT_COST });
  try {
    await fillSyncLibrary(library, clips, kind);
    return library.index.allClipIds();
  } finally {
    await library.close();
  }
}

async function status(device: Device): Promise<SyncStatus> {
  return (await device.api('syncStatus')) as SyncStatus;
}

async function clipCount(device: Device): Promise<number> {
  return (await device.api('countClips', {})) as number;
}

/** Polls until `done` holds; resolves with the seconds since `started`. */
async function secondsUntil(started: number, done: () => Promise<boolean>, timeoutS = 600): Promise<number> {
  for (;;) {
    if (await done()) return (performance.now() - started) / 1000;
    if ((performance.now() - started) / 1000 > timeoutS) throw new Error(`not done after ${timeoutS} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export async function benchNewDevice(root: string): Promise<Record<string, number>> {
  await makeLibrary(path.join(root, 'source'), NEW_DEVICE_CLIPS, 'image');
  const source = await startDevice(root, 'source');
  const fresh = await startDevice(root, 'fresh');
  await pairDevices(source, fresh);
  const started = performance.now();
  let documentsS = 0;
  const totalS = await secondsUntil(started, async () => {
    const current = await status(fresh);
    if (documentsS === 0 && current.state !== 'offline' && current.progress.documentsPending === 0 && (await clipCount(fresh)) === NEW_DEVICE_CLIPS) {
      documentsS = (performance.now() - started) / 1000;
    }
    return documentsS > 0 && current.progress.blobsPending === 0 && current.progress.blobsFetched >= NEW_DEVICE_CLIPS;
  });
  const [ours, theirs] = [await fresh.digest(), await source.digest()];
  if (ours.documents !== theirs.documents || ours.blobCount < NEW_DEVICE_CLIPS) throw new Error(`the new device does not match: ${JSON.stringify({ ours, theirs })}`);
  const bytes = (await status(fresh)).progress.bytesReceived;
  // An honest first sync must stay within every rate limit: any trip is in either device's audit log.
  const trips = (await Promise.all([source, fresh].map(async (device) => ((await device.api('auditLog', { kind: 'rate-limit' })) as AuditPage).entries.length))).reduce((sum, count) => sum + count, 0);
  await source.stop();
  await fresh.stop();
  return {
    new_device_clips: NEW_DEVICE_CLIPS,
    new_device_documents_s: round(documentsS),
    new_device_documents_and_thumbnails_s: round(totalS),
    new_device_received_mb: round(bytes / 1024 / 1024),
    new_device_rate_limit_trips: trips,
  };
}

/** `env` goes to every device (e.g. CLIPSHOT_SYNC_TRACE to see which documents stay apart). */
export async function benchThreeDevices(root: string, env: Record<string, string> = {}): Promise<Record<string, number>> {
  const ids = await makeLibrary(path.join(root, 'a'), CONVERGE_CLIPS, 'text');
  const devices = [await startDevice(root, 'a', { proxied: true, env }), await startDevice(root, 'b', { proxied: true, env }), await startDevice(root, 'c', { proxied: true, env })];
  const [a, b, c] = devices as [Device, Device, Device];
  await pairDevices(a, b);
  await pairDevices(a, c);
  await secondsUntil(performance.now(), async () => (await Promise.all([b, c].map(clipCount))).every((count) => count === CONVERGE_CLIPS));
  await convergence(performance.now(), devices);

  for (const device of devices) {
    device.link!.pause();
    device.link!.cut();
  }
  await secondsUntil(performance.now(), async () => (await status(a)).devices.every((device) => !device.online));
  // Offline, each device tags 1,000 clips, a third of them the same clips as the others.
  for (const [index, device] of devices.entries()) {
    for (let edit = 0; edit < EDITS_PER_DEVICE; edit++) {
      const id = ids[(edit * 3 + (edit % 3 === 0 ? 0 : index)) % ids.length]!;
      await device.api('changeTags', { id, add: [`${device.name}-${edit % 20}`] });
    }
  }

  for (const device of devices) device.link!.resume();
  const started = performance.now();
  await Promise.all([b.api('connectDevice', { peer: a.syncAddress }), c.api('connectDevice', { peer: a.syncAddress })]);
  const convergedS = await convergence(started, devices);
  for (const device of devices) await device.stop();
  return { three_devices_edits_each: EDITS_PER_DEVICE, three_devices_converge_s: round(convergedS) };
}

/**
 * Seconds from `started` until every device has nothing left to exchange (their statuses, polled
 * through the API) at a moment after which all hold the same documents (their digests, read
 * through the CLI, which is too slow to poll with and so does not count).
 */
async function convergence(started: number, devices: Device[]): Promise<number> {
  for (;;) {
    const settledS = await secondsUntil(started, async () => {
      const statuses = await Promise.all(devices.map(status));
      return statuses.every((current) => current.progress.documentsPending === 0 && current.state !== 'offline');
    });
    const digests = await Promise.all(devices.map((device) => device.digest()));
    if (digests.every((digest) => digest.documents === digests[0]!.documents)) return settledS;
  }
}

export async function benchAgainstBaseline(root: string): Promise<Record<string, number>> {
  const template = path.join(root, 'template');
  await makeLibrary(template, NEW_DEVICE_CLIPS, 'text');

  await fs.cp(template, path.join(root, 'plain-source'), { recursive: true });
  const baselineS = await plainAutomergeRepoSync(path.join(root, 'plain-source'), path.join(root, 'plain-fresh'));

  await fs.cp(template, path.join(root, 'ours-source'), { recursive: true });
  const source = await startDevice(root, 'ours-source');
  const fresh = await startDevice(root, 'ours-fresh');
  await pairDevices(source, fresh);
  const started = performance.now();
  const oursS = await secondsUntil(started, async () => {
    const current = await status(fresh);
    return current.state !== 'offline' && current.progress.documentsPending === 0 && (await clipCount(fresh)) === NEW_DEVICE_CLIPS;
  });
  await source.stop();
  await fresh.stop();
  return {
    documents_only_clips: NEW_DEVICE_CLIPS,
    documents_authenticated_encrypted_s: round(oursS),
    documents_plain_automerge_repo_s: round(baselineS),
    authenticated_vs_plain_ratio: round(oursS / baselineS),
  };
}

async function plainAutomergeRepoSync(sourceDir: string, freshDir: string): Promise<number> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sync-baseline-child.js');
  const server = spawn(process.execPath, [script, 'server', sourceDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const { port, digests } = JSON.parse(await waitForLine(server, /"port"/)) as { port: number; digests: unknown[] };
    const expected = path.join(path.dirname(freshDir), 'expected.json');
    await fs.writeFile(expected, JSON.stringify({ digests, clips: NEW_DEVICE_CLIPS }));
    const client = spawn(process.execPath, [script, 'client', freshDir, `ws://127.0.0.1:${port}`, expected], { stdio: ['ignore', 'pipe', 'inherit'] });
    const { documents_s: seconds } = JSON.parse(await waitForLine(client, /documents_s/)) as { documents_s: number };
    return seconds;
  } finally {
    server.stdin!.end();
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
