import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BlobStore } from '../../main/library/blobs/blob-store.js';
import { PIECE_BYTES, decodeBlobMessage } from '../../main/sync/blobs/blob-protocol.js';
import { BlobSync, type BlobLink, type BlobSyncOptions } from '../../main/sync/blobs/blob-sync.js';
import { tempDir } from '../helpers/temp.js';

export interface Device {
  id: string;
  store: BlobStore;
  sync: BlobSync;
  partialDir: string;
  partialKey: Buffer;
  /** Opens another BlobSync on the same store and partial folder (a restart). */
  restart(options?: Partial<BlobSyncOptions>): BlobSync;
}

const devices: Device[] = [];

/** A device with a real BlobStore in a temp folder; it serves every blob it has unless told otherwise. */
export async function newDevice(id: string, options: Partial<BlobSyncOptions> = {}): Promise<Device> {
  const work = await tempDir(`clipshot-sync-blobs-${id}-`);
  const store = new BlobStore(path.join(work, 'blobs'), { contentKey: randomBytes(32), nameKey: randomBytes(32) });
  const partialDir = path.join(work, 'partial');
  const partialKey = randomBytes(32);
  const open = (more: Partial<BlobSyncOptions>) => new BlobSync(store, { partialDir, partialKey, mayServe: () => true, ...options, ...more });
  const device: Device = {
    id,
    store,
    sync: open({}),
    partialDir,
    partialKey,
    restart(more = {}) {
      device.sync = open(more);
      return device.sync;
    },
  };
  devices.push(device);
  return device;
}

/** Closes every device's BlobSync (tests that end mid-transfer leave work behind). */
export async function closeDevices(): Promise<void> {
  await Promise.all(devices.splice(0).map((device) => device.sync.close()));
}

export type Tamper = (message: Buffer) => Buffer;

interface Direction {
  to: () => Device;
  fromId: string;
  queue: Buffer[];
  scheduled: boolean;
  tamper: Tamper | null;
  /** Messages and blob bytes carried. */
  messages: number;
  dataBytes: number;
}

/**
 * Two devices joined as the real connection will join them: one BlobLink each way, messages
 * delivered whole, in order and asynchronously, as copies (the wire shares no memory). `cut`
 * drops what is still on its way and removes each peer from the other.
 */
export class LinkPair {
  readonly #a: Device;
  readonly #b: Device;
  readonly #ab: Direction;
  readonly #ba: Direction;
  #up = false;
  #onDelivered: ((from: string, message: Buffer) => void) | null = null;

  constructor(a: Device, b: Device) {
    this.#a = a;
    this.#b = b;
    // The devices' current BlobSync is looked up at delivery, so a restarted one is reached.
    this.#ab = { to: () => b, fromId: a.id, queue: [], scheduled: false, tamper: null, messages: 0, dataBytes: 0 };
    this.#ba = { to: () => a, fromId: b.id, queue: [], scheduled: false, tamper: null, messages: 0, dataBytes: 0 };
  }

  /** Adds each device to the other's BlobSync. */
  connect(): this {
    this.#up = true;
    this.#a.sync.addPeer(this.#link(this.#ab, this.#b.id));
    this.#b.sync.addPeer(this.#link(this.#ba, this.#a.id));
    return this;
  }

  cut(): void {
    this.#up = false;
    this.#ab.queue.length = 0;
    this.#ba.queue.length = 0;
    this.#a.sync.removePeer(this.#b.id);
    this.#b.sync.removePeer(this.#a.id);
  }

  /** Rewrites every message `from` sends (a lying or broken peer). */
  tamper(from: Device, rewrite: Tamper): this {
    this.#direction(from).tamper = rewrite;
    return this;
  }

  /** Called after each delivery, e.g. to cut the link midway. */
  onDelivered(listener: (from: string, message: Buffer) => void): this {
    this.#onDelivered = listener;
    return this;
  }

  stats(from: Device): { messages: number; dataBytes: number } {
    const { messages, dataBytes } = this.#direction(from);
    return { messages, dataBytes };
  }

  #direction(from: Device): Direction {
    return from === this.#a ? this.#ab : this.#ba;
  }

  // `peerId` is who the link reaches; the messages it sends go that way.
  #link(direction: Direction, peerId: string): BlobLink {
    return {
      peerId,
      send: (message) => {
        if (!this.#up) throw new Error('the link is down');
        direction.queue.push(Buffer.from(message));
        if (direction.scheduled) return;
        direction.scheduled = true;
        setImmediate(() => this.#deliver(direction));
      },
    };
  }

  #deliver(direction: Direction): void {
    direction.scheduled = false;
    for (let message = direction.queue.shift(); message !== undefined && this.#up; message = direction.queue.shift()) {
      const delivered = direction.tamper === null ? message : direction.tamper(message);
      direction.messages += 1;
      const decoded = decodeBlobMessage(delivered);
      if (decoded?.type === 'data') direction.dataBytes += decoded.bytes.length;
      direction.to().sync.receive(direction.fromId, delivered);
      this.#onDelivered?.(direction.fromId, delivered);
    }
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Stores `bytes` on each device given; returns the hash. */
export async function give(bytes: Buffer, ...owners: Device[]): Promise<string> {
  for (const owner of owners) await owner.store.putBytes(bytes);
  return sha256(bytes);
}

/** Thumbnail-sized random contents, 10 to 40 KB each. */
export function thumbnails(count: number): Buffer[] {
  return Array.from({ length: count }, () => randomBytes(10_000 + Math.floor(Math.random() * 30_000)));
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Every byte of every file under `dir`. */
export async function filesUnder(dir: string): Promise<Buffer[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const files = await Promise.all(names.map((name) => fs.readFile(path.join(dir, name)).catch(() => null)));
  // A file deleted between the listing and the read is gone.
  return files.flatMap((file) => (file === null ? [] : [file]));
}

const PARTIAL_HEADER_BYTES = 96;
const RECORD_OVERHEAD = 16;

/**
 * Plaintext bytes held by the one partial file in `dir`, once writes in progress have settled
 * (its length stays the same for a while): where a resumed transfer goes on from.
 */
export async function partialPrefix(dir: string): Promise<number> {
  let last = -1;
  for (;;) {
    const files = await filesUnder(dir);
    if (files.length !== 1) throw new Error(`expected one partial file, found ${files.length}`);
    const length = files[0]!.length;
    if (length === last) return Math.floor((length - PARTIAL_HEADER_BYTES) / (PIECE_BYTES + RECORD_OVERHEAD)) * PIECE_BYTES;
    last = length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Flips one byte of a data message's body (a peer that lies about the content). */
export const corruptData: Tamper = (message) => {
  const decoded = decodeBlobMessage(message);
  if (decoded?.type !== 'data' || decoded.bytes.length === 0) return message;
  const copy = Buffer.from(message);
  copy[copy.length - 1] = copy[copy.length - 1]! ^ 0xff;
  return copy;
};
