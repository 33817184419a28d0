import type { DocumentId } from '@automerge/automerge-repo';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SHARD_COUNT } from '../../../main/library/documents/schema.js';
import { MAX_LOADED_SHARDS } from '../../../main/library/documents/shard-documents.js';
import type { Library } from '../../../main/library/library.js';
import { HOLD_TIMEOUT_MS, MAX_HELD, PeerDocumentSync, type DocumentMessage } from '../../../main/sync/documents/peer-document-sync.js';
import { MAX_LINGERING, SyncedDocuments } from '../../../main/sync/documents/synced-documents.js';
import { createTestLibrary } from '../../helpers/library.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface TestPeer {
  sync: PeerDocumentSync;
  sent: DocumentMessage[];
  /** The documents whose exchange with the peer was started afresh, in order. */
  restarted: DocumentId[];
}

async function setUp(): Promise<{ library: Library; documents: SyncedDocuments; peer: () => TestPeer }> {
  const { library } = await createTestLibrary();
  const documents = new SyncedDocuments(library);
  cleanups.push(() => library.close(), () => documents.close());
  const peer = () => {
    const sent: DocumentMessage[] = [];
    const restarted: DocumentId[] = [];
    const sync = new PeerDocumentSync(documents, (message) => sent.push(message), () => undefined, (id) => restarted.push(id));
    cleanups.push(() => sync.close());
    return { sync, sent, restarted };
  };
  return { library, documents, peer };
}

/** Every shard, as the peer's manifest names it: with a digest this device has not got. */
function manifestOfEveryShard(library: Library): DocumentMessage {
  return { t: 'manifest', docs: Array.from({ length: SHARD_COUNT }, (_, shard) => [library.shards.documentId(shard), 's', shard, 'a-digest-of-the-peer'] as const).map((entry) => [...entry]) };
}

/** Shard numbers in the order of their document ids. */
function shardsByDocumentId(library: Library): number[] {
  return Array.from({ length: SHARD_COUNT }, (_, shard) => shard).sort((a, b) => (library.shards.documentId(a) < library.shards.documentId(b) ? -1 : 1));
}

function loadedShards(library: Library): number[] {
  return Array.from({ length: SHARD_COUNT }, (_, shard) => shard).filter((shard) => library.shards.isLoaded(shard));
}

describe('which documents a device holds loaded for a peer', () => {
  it('holds at most MAX_HELD of those that differ, those whose ids come first: the peer picks the same ones', async () => {
    const { library, peer } = await setUp();
    const { sync } = peer();
    sync.receive(manifestOfEveryShard(library));
    const expected = shardsByDocumentId(library).slice(0, MAX_HELD).sort((a, b) => a - b);
    await expect.poll(() => loadedShards(library), { timeout: 10_000 }).toEqual(expected);
    expect(sync.progress.pending).toBe(SHARD_COUNT);
  });

  it('holds the same documents for two peers at once: one load serves both exchanges', async () => {
    const { library, peer } = await setUp();
    const [first, second] = [peer(), peer()];
    first.sync.receive(manifestOfEveryShard(library));
    second.sync.receive(manifestOfEveryShard(library));
    await expect.poll(() => loadedShards(library).length, { timeout: 10_000 }).toBe(MAX_HELD);
    await library.flush();
    expect(loadedShards(library)).toEqual(shardsByDocumentId(library).slice(0, MAX_HELD).sort((a, b) => a - b));
  });

  it('gives the place of a document both sides agree on to the next one at once, not at the next sweep', async () => {
    // The sweep (a setInterval) never runs here: whatever is held next was held because of the agreement.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { library, documents, peer } = await setUp();
    const { sync } = peer();
    sync.receive(manifestOfEveryShard(library));
    const order = shardsByDocumentId(library);
    const firstBatch = order.slice(0, MAX_HELD);
    // Held once loaded and its digest read.
    await expect.poll(() => firstBatch.every((shard) => documents.digestOf(library.shards.documentId(shard)) !== null), { timeout: 10_000 }).toBe(true);

    // The peer now has what this device has of the first batch.
    const agreed = firstBatch.map((shard) => {
      const id = library.shards.documentId(shard);
      return [id, 's', shard, documents.digestOf(id)!] as [string, 's', number, string];
    });
    sync.receive({ t: 'changed', docs: agreed });
    expect(sync.progress.synced).toBe(MAX_HELD);
    const secondBatch = order.slice(MAX_HELD, 2 * MAX_HELD);
    await expect.poll(() => secondBatch.every((shard) => library.shards.isLoaded(shard)), { timeout: 10_000 }).toBe(true);
    await library.flush();
    expect(loadedShards(library)).toHaveLength(2 * MAX_HELD);
  });
});

describe('a document that stays apart', () => {
  const shard = 3;

  /** A peer whose digest of the shard differs from this device's, with the shard held for it. */
  async function heldApart() {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { library, documents, peer } = await setUp();
    const { sync, restarted } = peer();
    const id = library.shards.documentId(shard);
    sync.receive({ t: 'changed', docs: [[id, 's', shard, 'a-digest-of-the-peer']] });
    sync.receive({ t: 'manifest', docs: [] });
    await expect.poll(() => documents.digestOf(id) !== null && library.shards.isPinned(shard), { timeout: 10_000 }).toBe(true);
    return { library, documents, sync, restarted, id };
  }

  it('has its exchange with the peer started afresh when it has been held too long, then is held again', async () => {
    const { library, sync, restarted, id } = await heldApart();
    vi.advanceTimersByTime(HOLD_TIMEOUT_MS - 1_000);
    expect(restarted).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(restarted).toEqual([id]);
    // Let go but still pending: held again after a pause, and started afresh again while apart.
    expect(sync.progress.pending).toBe(1);
    vi.advanceTimersByTime(2_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(library.shards.isPinned(shard)).toBe(true);
    vi.advanceTimersByTime(HOLD_TIMEOUT_MS + 1_000);
    expect(restarted).toEqual([id, id]);
  });

  it('is not started afresh once both sides agree on it', async () => {
    const { documents, sync, restarted, id } = await heldApart();
    sync.receive({ t: 'changed', docs: [[id, 's', shard, documents.digestOf(id)!]] });
    vi.advanceTimersByTime(2 * HOLD_TIMEOUT_MS);
    expect(restarted).toEqual([]);
    expect(sync.inSync).toBe(true);
  });
});

describe('documents a device has let go of', () => {
  it('stay loaded a while, at most MAX_LINGERING of them, and a new hold takes one back', async () => {
    const { library, documents } = await setUp();
    const shards = Array.from({ length: MAX_LINGERING + 10 }, (_, shard) => shard);
    await Promise.all(shards.map((shard) => documents.hold({ kind: 'shard', shard })));
    for (const shard of shards) documents.release({ kind: 'shard', shard });
    await library.unloadIdleDocuments();
    // The ten let go of first went (idle shards beyond the library's few are unloaded); the rest stay.
    expect(loadedShards(library)).toEqual(shards.slice(10));

    const again = { kind: 'shard', shard: MAX_LINGERING + 5 } as const;
    await documents.hold(again);
    documents.release(again);
    documents.release(again);
    expect(library.shards.isPinned(again.shard)).toBe(true);

    documents.close();
    await library.unloadIdleDocuments();
    expect(loadedShards(library).length).toBeLessThanOrEqual(MAX_LOADED_SHARDS);
  });
});
