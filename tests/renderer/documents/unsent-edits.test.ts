// The window's own changes hold up leaving for a moment; changes that arrived from elsewhere do not.
import { afterEach, expect, test } from 'vitest';
import { SEND_GRACE_MS, UnsentEdits } from '../../../renderer/src/documents/unsent-edits.js';
import { CLIP_ID, eventually, openShardRepos, type ShardRepos } from '../clip/shard-repos.js';

let repos: ShardRepos | null = null;
afterEach(async () => {
  await repos?.close();
  repos = null;
});

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test('only this window’s changes count, and only for the grace period', async () => {
  repos = await openShardRepos();
  const time = clock();
  const edits = new UnsentEdits(time.now);
  edits.watch(repos.handle);
  edits.watch(repos.handle); // watching twice adds no second listener
  expect(edits.flushAndCheck()).toBe(false);

  // Another window's change arrives: nothing of ours is on its way.
  repos.other.change((doc) => {
    doc.clips[CLIP_ID]!.capturedAt = 5;
  });
  await eventually(() => repos!.handle.doc().clips[CLIP_ID]?.capturedAt).toBe(5);
  expect(edits.flushAndCheck()).toBe(false);

  repos.handle.change((doc) => {
    doc.clips[CLIP_ID]!.capturedAt = 6;
  });
  expect(edits.flushAndCheck()).toBe(true);
  time.advance(SEND_GRACE_MS);
  expect(edits.flushAndCheck()).toBe(false);
});

test('typing not yet written is written first, and then counts as unsent', async () => {
  repos = await openShardRepos();
  const time = clock();
  const edits = new UnsentEdits(time.now);
  edits.watch(repos.handle);
  let written = 0;
  const stop = edits.addPendingWrite(() => {
    written++;
    repos!.handle.change((doc) => {
      doc.clips[CLIP_ID]!.capturedAt = 7;
    });
  });
  expect(edits.flushAndCheck()).toBe(true);
  expect(written).toBe(1);
  stop();
  time.advance(SEND_GRACE_MS);
  expect(edits.flushAndCheck()).toBe(false);
  expect(written).toBe(1);
});

test('the guard holds up leaving only while something is unsent', async () => {
  repos = await openShardRepos();
  const time = clock();
  const edits = new UnsentEdits(time.now);
  edits.watch(repos.handle);
  const target = new EventTarget();
  const stop = edits.guard(target as unknown as Window);
  const leave = () => {
    const event = new Event('beforeunload', { cancelable: true }) as Event & { returnValue: unknown };
    target.dispatchEvent(event);
    return event.defaultPrevented;
  };
  expect(leave()).toBe(false);
  edits.addPendingWrite(() => undefined);
  expect(leave()).toBe(false);
  repos.handle.change((doc) => {
    doc.clips[CLIP_ID]!.capturedAt = 8;
  });
  expect(leave()).toBe(true);
  time.advance(SEND_GRACE_MS);
  expect(leave()).toBe(false);
  stop();
  repos.handle.change((doc) => {
    doc.clips[CLIP_ID]!.capturedAt = 9;
  });
  expect(leave()).toBe(false);
});
