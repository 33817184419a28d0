// Opening a clip whose shard this window already holds from before the clip was added: the entry
// arrives by sync a moment later, and the view waits for it instead of calling the clip missing.
import * as Automerge from '@automerge/automerge';
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, expect, test } from 'vitest';
import { defineComponent, h } from 'vue';
import { CLIP_DOCUMENTS_KEY, type ClipDocuments } from '../../../renderer/src/documents/clip-documents.js';
import { useClipDocument, type ClipDocument } from '../../../renderer/src/clip/use-clip-document.js';
import { CLIP_ID, eventually, clipEntry, openShardRepos, type ShardRepos } from './shard-repos.js';

let repos: ShardRepos | null = null;
let wrapper: VueWrapper | null = null;

afterEach(async () => {
  wrapper?.unmount();
  wrapper = null;
  await repos?.close();
  repos = null;
});

/** The window's documents: the shard as this window's Repo holds it, however stale. */
function documentsOf(shards: ShardRepos): ClipDocuments {
  return { open: async (clipId) => ({ clipId, handle: shards.handle, detail: shards.detail, close: () => undefined }) };
}

function mountDocument(shards: ShardRepos): ClipDocument {
  let opened: ClipDocument | null = null;
  const Probe = defineComponent({
    setup() {
      opened = useClipDocument(CLIP_ID);
      return () => h('p', opened!.status.value);
    },
  });
  wrapper = mount(Probe, { global: { provide: { [CLIP_DOCUMENTS_KEY as symbol]: documentsOf(shards) } } });
  return opened!;
}

test('an entry not yet synced is waited for, then shown', async () => {
  repos = await openShardRepos(clipEntry());
  const shards = repos;
  // This window's copy lacks the clip; the other side (the core) has it and syncs it over.
  shards.handle.change((doc) => {
    delete doc.clips[CLIP_ID];
  });
  await eventually(() => shards.other.doc().clips[CLIP_ID]).toBeUndefined();
  const document = mountDocument(shards);
  await eventually(() => document.handle.value).not.toBeNull();
  expect(document.status.value).toBe('opening');

  shards.other.change((doc) => {
    doc.clips[CLIP_ID] = clipEntry({ title: new Automerge.ImmutableString('Arrived') });
  });
  await eventually(() => document.status.value).toBe('ready');
  expect(document.clip.value?.title).toBe('Arrived');
});

test('an entry removed after it was shown makes the clip missing at once, with the reason', async () => {
  repos = await openShardRepos(clipEntry());
  const shards = repos;
  const document = mountDocument(shards);
  await eventually(() => document.status.value).toBe('ready');
  shards.other.change((doc) => {
    delete doc.clips[CLIP_ID];
  });
  await eventually(() => document.status.value).toBe('missing');
  expect(document.problem.value).toMatch(/no longer exists/);
});
