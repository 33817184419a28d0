// A window keeps its copy of a shard after closing a clip there. If the core unloads that shard,
// changes it and then opens the clip for the window again, the window's copy must catch up: the
// core's new sync for the shard starts before the open pins it, so it must be told to look again.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MAX_LOADED_SHARDS } from '../../../main/library/documents/shard-documents.js';
import { shardOfClip } from '../../../main/library/ids.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { eventually } from '../clip/shard-repos.js';

let core: TestCore;

beforeAll(async () => {
  core = await createTestCore();
});
afterAll(async () => {
  await core.close();
});

/**
 * Imports texts until more shards than the core keeps loaded were changed after `avoid` last was.
 * Shards unload least recently used first, so a filler landing in `avoid` starts the count again:
 * otherwise `avoid` can stay among the shards kept loaded however long the test waits.
 */
async function fillOtherShards(avoid: number): Promise<void> {
  const shards = new Set<number>();
  for (let i = 0; shards.size <= MAX_LOADED_SHARDS * 2; i++) {
    const { clipId } = await core.api.importText({ text: `filler ${i}`, title: `Filler ${i}` });
    if (shardOfClip(clipId) === avoid) shards.clear();
    else shards.add(shardOfClip(clipId));
  }
}

test('a clip opened again after its shard was unloaded and changed shows the change', async () => {
  const { clipId } = await core.api.importText({ text: 'held before', title: 'Before' });
  const first = await core.documents.open(clipId);
  await first.handle.whenReady();
  expect(String(first.handle.doc()?.clips[clipId]?.title)).toBe('Before');
  first.close();

  await fillOtherShards(shardOfClip(clipId));
  // The core's own work after an import (its rendering, its analysis) can change the clip's shard
  // again: it goes once it has been idle.
  await eventually(async () => {
    await core.library.unloadIdleDocuments();
    return core.library.shards.isLoaded(shardOfClip(clipId));
  }).toBe(false);
  // Changed in the core while the window is not told (it has nothing open there).
  await core.api.editClip({ id: clipId, title: 'After' });

  const again = await core.documents.open(clipId);
  await eventually(() => String(again.handle.doc()?.clips[clipId]?.title)).toBe('After');
  again.close();
});
