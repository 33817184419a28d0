// The window's own changes hold up leaving for a moment; changes that arrived from elsewhere do not.
import { afterEach, expect, test, vi } from 'vitest';
import { sendChangesNow } from '../../../renderer/src/documents/send-now.js';
import { SEND_GRACE_MS, UnsentEdits } from '../../../renderer/src/documents/unsent-edits.js';
import { CLIP_ID, eventually, openShardRepos, type ShardRepos } from '../clip/shard-repos.js';

let repos: ShardRepos | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await repos?.close();
  repos = null;
});

/** Polls on the event loop's check phase (timers are faked), for up to 5 s of real time. */
async function arrivesWithoutTimers(arrived: () => boolean): Promise<boolean> {
  const until = performance.now() + 5_000;
  while (!arrived()) {
    if (performance.now() > until) return false;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

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

test('leaving sends the recent changes at once, even with the page’s timers stopped', async () => {
  repos = await openShardRepos();
  const shards = repos;
  await eventually(() => shards.other.doc().clips[CLIP_ID]?.capturedAt).toBe(shards.handle.doc().clips[CLIP_ID]?.capturedAt);
  const time = clock();
  const edits = new UnsentEdits(time.now);
  edits.watch(shards.handle, () => sendChangesNow(shards.repo, shards.handle));
  // Let the first sync's timers run out (one still pending would carry the change along).
  await new Promise((resolve) => setTimeout(resolve, 300));
  // As under a browser's "leave?" prompt: automerge-repo's 100 ms batching timer never fires.
  vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval'] });
  shards.handle.change((doc) => {
    doc.clips[CLIP_ID]!.capturedAt = 10;
  });
  expect(edits.flushAndCheck()).toBe(true);
  expect(await arrivesWithoutTimers(() => shards.other.doc().clips[CLIP_ID]?.capturedAt === 10)).toBe(true);

  // A change older than the grace period is not sent again.
  let sent = 0;
  const counting = new UnsentEdits(time.now);
  counting.watch(shards.handle, () => sent++);
  shards.handle.change((doc) => {
    doc.clips[CLIP_ID]!.capturedAt = 11;
  });
  counting.flushAndCheck();
  expect(sent).toBe(1);
  time.advance(SEND_GRACE_MS);
  counting.flushAndCheck();
  expect(sent).toBe(1);
});
