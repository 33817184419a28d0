import { afterEach, describe, expect, it } from 'vitest';
import { AnalysisStore, JOB_PRIORITY } from '../../../main/ai/analysis/analysis-store.js';
import type { Library } from '../../../main/library/library.js';
import { createTestLibrary } from '../../helpers/library.js';

const id = (n: number): string => String(n).padStart(26, '0');
let library: Library | null = null;

afterEach(async () => {
  await library?.close();
  library = null;
});

async function openStore(): Promise<AnalysisStore> {
  library = (await createTestLibrary()).library;
  return new AnalysisStore(library.db);
}

describe('the analysis queue', () => {
  it('hands out clips on screen first, then new clips, newest first, and skips busy ones', async () => {
    const store = await openStore();
    store.enqueue([
      { clipId: id(1), priority: JOB_PRIORITY.backlog, orderKey: 300, input: 'x' },
      { clipId: id(2), priority: JOB_PRIORITY.new, orderKey: 100, input: 'x' },
      { clipId: id(3), priority: JOB_PRIORITY.new, orderKey: 200, input: 'x' },
      { clipId: id(4), priority: JOB_PRIORITY.backlog, orderKey: 400, input: 'x' },
    ], false);
    expect(store.next(4, new Set()).map((job) => job.clipId)).toEqual([id(3), id(2), id(4), id(1)]);
    expect(store.raise([id(1)], JOB_PRIORITY.visible)).toBe(1);
    expect(store.next(2, new Set([id(1)])).map((job) => job.clipId)).toEqual([id(3), id(2)]);
    expect(store.next(1, new Set())[0]!.clipId).toBe(id(1));
    // Queuing again never lowers a clip's place.
    store.enqueue([{ clipId: id(1), priority: JOB_PRIORITY.backlog, orderKey: 300, input: 'x' }], false);
    expect(store.job(id(1))!.priority).toBe(JOB_PRIORITY.visible);
  });

  it('retries a failing clip a bounded number of times and keeps the reason', async () => {
    const store = await openStore();
    store.enqueue([{ clipId: id(1), priority: 1, orderKey: 1, input: 'x' }], false);
    expect(store.recordFailure(id(1), 'bad pixels', 3)!.state).toBe('queued');
    expect(store.recordFailure(id(1), 'bad pixels', 3)!.state).toBe('queued');
    const failed = store.recordFailure(id(1), 'still bad pixels', 3)!;
    expect(failed).toMatchObject({ state: 'failed', attempts: 3, error: 'still bad pixels' });
    expect(store.next(1, new Set())).toEqual([]);
    expect(store.counts()).toEqual({ queued: 0, failed: 1, crashed: 0 });
    // Only a new input or the person asking tries a failed clip again.
    store.enqueue([{ clipId: id(1), priority: 1, orderKey: 1, input: 'x' }], false);
    expect(store.job(id(1))!.state).toBe('failed');
    store.enqueue([{ clipId: id(1), priority: 1, orderKey: 1, input: 'y' }], false);
    expect(store.job(id(1))).toMatchObject({ state: 'queued', attempts: 0, error: null });
    store.recordCrash(id(1), 'worker died', 1);
    store.enqueue([{ clipId: id(1), priority: 1, orderKey: 1, input: 'y' }], true);
    expect(store.job(id(1))).toMatchObject({ state: 'queued', crashes: 0 });
  });

  it('marks a clip that crashed the worker too often and leaves it alone', async () => {
    const store = await openStore();
    store.enqueue([{ clipId: id(1), priority: 1, orderKey: 1, input: 'x' }], false);
    expect(store.recordCrash(id(1), 'the analysis worker stopped (signal SIGKILL)', 2)!.state).toBe('queued');
    expect(store.recordCrash(id(1), 'the analysis worker stopped (signal SIGKILL)', 2)).toMatchObject({ state: 'crashed', crashes: 2 });
    expect(store.problems(10).map((job) => job.clipId)).toEqual([id(1)]);
  });

  it('keeps a clip queued when it changed while being analysed', async () => {
    const store = await openStore();
    store.enqueue([{ clipId: id(1), priority: 1, orderKey: 1, input: 'before' }], false);
    store.enqueue([{ clipId: id(1), priority: 1, orderKey: 1, input: 'after' }], false);
    store.completed({ clipId: id(1), input: 'before', models: 'm@1', analysedAt: 1, recognition: null, frames: [], tags: [] });
    expect(store.job(id(1))!.input).toBe('after');
    store.completed({ clipId: id(1), input: 'after', models: 'm@1', analysedAt: 2, recognition: null, frames: [], tags: [{ tag: 'code', score: 0.9, source: 'text' }] });
    expect(store.job(id(1))).toBeNull();
    expect(store.result(id(1))).toMatchObject({ input: 'after', tags: [{ tag: 'code' }] });
  });

  it('survives closing and opening the library', async () => {
    const { library: first, dir, store: secrets } = await createTestLibrary();
    new AnalysisStore(first.db).enqueue([{ clipId: id(7), priority: 2, orderKey: 5, input: 'x' }], false);
    new AnalysisStore(first.db).setState('paused', '1');
    await first.close();
    const { Library } = await import('../../../main/library/library.js');
    library = await Library.open(dir, { method: 'secret-store', store: secrets });
    const store = new AnalysisStore(library.db);
    expect(store.next(5, new Set()).map((job) => job.clipId)).toEqual([id(7)]);
    expect(store.getState('paused')).toBe('1');
  });
});
