// Two automerge-repo Repos joined by a real MessageChannel, standing for two windows that have
// the same catalog shard open: what one writes reaches the other through the sync protocol.
import { ImmutableString } from '@automerge/automerge';
import { Repo, type DocHandle } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import { MessageChannel } from 'node:worker_threads';
import { expect } from 'vitest';
import { DETAIL_DOC_TYPE, type ClipDetailDoc } from '../../../contract/clip-details.js';
import type { ClipEntryDoc, ShardDoc } from '../../../contract/shard-document.js';

/** Waits for what crosses a sync channel or the core (generous: the machine is shared). */
export function eventually<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 10_000 });
}

export const CLIP_ID = '0123456789abcdefghijklmnop';

export interface ShardRepos {
  /** The handle the component under test edits. */
  handle: DocHandle<ShardDoc>;
  /** The same document in the other window. */
  other: DocHandle<ShardDoc>;
  /** The clip's detail document, in the first window. */
  detail: DocHandle<ClipDetailDoc>;
  /** The first window's Repo (the one `handle` belongs to). */
  repo: Repo;
  close(): Promise<void>;
}

export function clipEntry(overrides: Partial<ClipEntryDoc> = {}): ClipEntryDoc {
  return {
    id: new ImmutableString(CLIP_ID),
    kind: new ImmutableString('text'),
    title: new ImmutableString('First title'),
    notes: '',
    tags: {},
    collections: {},
    capturedAt: 1_700_000_000_000,
    importedAt: 1_700_000_100_000,
    updatedAt: 1_700_000_100_000,
    deletedAt: null,
    contentHash: new ImmutableString('0'.repeat(64)),
    media: null,
    text: new ImmutableString('some text'),
    sourceName: new ImmutableString('stdin'),
    ...overrides,
  };
}

export async function openShardRepos(entry: ClipEntryDoc = clipEntry()): Promise<ShardRepos> {
  const channel = new MessageChannel();
  // Node's MessagePort has the addEventListener/start/postMessage the adapter uses.
  const first = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port1 as unknown as MessagePort)] });
  const second = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port2 as unknown as MessagePort)] });
  const handle = first.create<ShardDoc>({ schema: 1, type: new ImmutableString('clipshot/clip-shard'), shard: 0, clips: { [CLIP_ID]: entry } });
  const other = await second.find<ShardDoc>(handle.url);
  const detail = first.create<ClipDetailDoc>({
    schema: 1,
    type: new ImmutableString(DETAIL_DOC_TYPE),
    clipId: new ImmutableString(CLIP_ID),
    image: { crop: null, rotation: 0, annotations: {} },
    video: { trimStartMs: null, trimEndMs: null, posterMs: null, markers: {} },
    text: String(entry.text),
  });
  return {
    handle,
    other,
    detail,
    repo: first,
    async close() {
      await Promise.all([first.shutdown(), second.shutdown()]);
      channel.port1.close();
    },
  };
}
