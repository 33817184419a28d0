// The API's analysis methods on the real service (tests/helpers/direct-api.ts, requests and answers
// through JSON) and the real AnalysisService (its worker a real child process that stops on every
// clip, tests/helpers/test-analysis.ts): every request checked against its schema before analysis
// sees it, suggestions accepted and turned down in the clip's entry, the clips analysis gave up on
// listed with the reason, and analysis's changes sent to windows as at most four events a second.
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError, type ApiEvent, type ApiMethod } from '../../../contract/api.js';
import type { AnalysisProgress } from '../../../contract/analysis.js';
import { ANALYSIS_EVENT_INTERVAL_MS } from '../../../main/api/analysis-handlers.js';
import type { AnalysisService } from '../../../main/ai/analysis/analysis-service.js';
import { importText } from '../../../main/library/importer.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { line, markAnalysed, recognitionOf, startTestAnalysis, WORKER_EXIT_CODE } from '../../helpers/test-analysis.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function start(options: { paused?: boolean } = {}): Promise<{ core: TestCore; analysis: AnalysisService }> {
  let analysis: AnalysisService | null = null;
  core = await createTestCore(undefined, {
    analysis: async (library) => (analysis = await startTestAnalysis(library, options)),
  });
  return { core, analysis: analysis! };
}

async function failure(request: Promise<unknown>): Promise<ApiError> {
  const error = await request.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

async function textClip(core: TestCore, text: string): Promise<string> {
  const event = await importText(core.library, text, { title: text.slice(0, 20), sourceName: 'test' });
  if (event.type !== 'imported') throw new Error(`not imported: ${JSON.stringify(event)}`);
  return event.id;
}

const MISSING_ID = '0000000000000000000000zzzz';

const ANALYSIS_REQUESTS: [ApiMethod, object][] = [
  ['analysisProgress', {}],
  ['analyseClips', { all: true }],
  ['prioritiseAnalysis', { ids: [] }],
  ['pauseAnalysis', {}],
  ['resumeAnalysis', {}],
  ['cancelAnalysis', {}],
  ['clipAnalysis', { id: MISSING_ID }],
  ['analysisFailures', {}],
  ['acceptSuggestion', { id: MISSING_ID, tag: 'receipt' }],
  ['rejectSuggestion', { id: MISSING_ID, tag: 'receipt' }],
];

describe('without analysis', () => {
  test('every analysis method answers unsupported, in words', async () => {
    core = await createTestCore();
    for (const [method, params] of ANALYSIS_REQUESTS) {
      const error = await failure(core.service.dispatch(method, params));
      expect(error.toJSON(), method).toEqual({ code: 'unsupported', message: 'analysis is not running in this instance' });
    }
  });
});

describe('request schemas', () => {
  test('bad input is an invalid request that says what is wrong, and analysis never sees it', async () => {
    const { core, analysis } = await start();
    const id = await textClip(core, 'a clip to analyse');
    const before = analysis.progress();
    const tooMany = Array.from({ length: 1001 }, () => id);
    const refused: [ApiMethod, object, string][] = [
      ['analyseClips', {}, 'analyseClips: request: give either ids or all: true'],
      ['analyseClips', { ids: [id], all: true }, 'analyseClips: request: give either ids or all: true'],
      ['analyseClips', { ids: [] }, 'analyseClips: ids: no clips are given'],
      ['analyseClips', { ids: ['not-an-id'] }, 'analyseClips: ids.0: not a clip id'],
      ['prioritiseAnalysis', { ids: tooMany }, 'prioritiseAnalysis: ids: at most 1,000 clips at once'],
      ['cancelAnalysis', { ids: [] }, 'cancelAnalysis: ids: no clips are given'],
      ['clipAnalysis', { id: 'abc' }, 'clipAnalysis: id: not a clip id'],
      ['acceptSuggestion', { id, tag: '' }, 'acceptSuggestion: tag: no tag is given'],
      ['rejectSuggestion', { id, tag: 'x'.repeat(201) }, 'rejectSuggestion: tag: no suggested tag is that long'],
    ];
    for (const [method, params, message] of refused) {
      const error = await failure(core.api[method](params as never));
      expect(error.toJSON(), method).toEqual({ code: 'invalid-request', message });
    }
    const unknownField = await failure(core.api.pauseAnalysis({ now: true } as never));
    expect(unknownField.code).toBe('invalid-request');
    expect(unknownField.message).toMatch(/^pauseAnalysis: /);
    const wrongAll = await failure(core.api.analyseClips({ all: false } as never));
    expect(wrongAll.message).toMatch(/^analyseClips: all: /);
    // Nothing was queued, cancelled or paused by any of them.
    expect(analysis.progress()).toEqual(before);
  });

  test('a clip that does not exist is not found, in words', async () => {
    const { core } = await start();
    for (const request of [core.api.clipAnalysis({ id: MISSING_ID }), core.api.analyseClips({ ids: [MISSING_ID] }), core.api.acceptSuggestion({ id: MISSING_ID, tag: 'receipt' })]) {
      expect((await failure(request)).toJSON()).toEqual({ code: 'not-found', message: `no clip with id ${MISSING_ID}` });
    }
  });
});

describe('a clip’s analysis', () => {
  test('clipAnalysis gives the recognised lines with their boxes, and the open suggestions', async () => {
    const { core } = await start();
    const id = await textClip(core, 'Total due 42.00');
    const recognition = recognitionOf([line('Total due', [10, 20, 120, 18]), line('42.00', [10, 44, 60, 18])], { width: 300, height: 100 });
    await markAnalysed(core.library, id, { recognition, suggested: [{ tag: 'receipt', score: 0.91, source: 'text' }, { tag: 'document', score: 0.4, source: 'metadata' }] });

    const view = await core.api.clipAnalysis({ id });
    expect(view).toMatchObject({ clipId: id, status: 'done', error: null, models: 'pp-ocrv4@4.0' });
    expect(view.recognition).toEqual(recognition);
    expect(view.suggestions.map((suggestion) => suggestion.tag)).toEqual(['receipt', 'document']);
    expect((await core.api.getClip({ id })).analysis?.text).toBe('Total due\n42.00');
  });

  test('accepting makes the tag the clip’s own; turning one down records it and drops it from the suggestions', async () => {
    const { core } = await start();
    const id = await textClip(core, 'SELECT * FROM clips;');
    await markAnalysed(core.library, id, { suggested: [{ tag: 'code', score: 0.8, source: 'text' }, { tag: 'sql', score: 0.7, source: 'text' }] });

    const accepted = await core.api.acceptSuggestion({ id, tag: 'code' });
    expect(accepted.tags).toEqual(['code']);
    // A second press (another window) changes nothing.
    expect((await core.api.acceptSuggestion({ id, tag: 'code' })).tags).toEqual(['code']);

    const rejected = await core.api.rejectSuggestion({ id, tag: 'sql' });
    expect(rejected.analysis?.rejected).toEqual(['sql']);
    expect(rejected.tags).toEqual(['code']);
    expect((await core.api.clipAnalysis({ id })).suggestions).toEqual([]);
    expect(core.library.get(id).analysis?.rejected).toEqual(['sql']);

    // Only a suggested tag goes through here: others are the tag editor's, with its rules.
    const notSuggested = await failure(core.api.acceptSuggestion({ id, tag: 'made-up' }));
    expect(notSuggested.toJSON()).toEqual({ code: 'not-found', message: '“made-up” is not a tag suggested for this clip' });
    expect(core.library.get(id).tags).toEqual(['code']);
  });
});

describe('the queue', () => {
  test('paused, queued, cancelled, resumed: a clip that stops the worker is listed with the reason and can be tried again', async () => {
    const { core, analysis } = await start();
    const id = await textClip(core, 'a clip the worker cannot take');
    await expect.poll(() => analysis.progress().queued).toBe(1);
    expect(await core.api.analysisProgress({})).toMatchObject({ state: 'paused', queued: 1, failed: 0, crashed: 0, current: null });

    expect(await core.api.cancelAnalysis({ ids: [id] })).toEqual({ cancelled: 1 });
    expect((await core.api.clipAnalysis({ id })).status).toBe('none');
    expect(await core.api.analyseClips({ ids: [id] })).toEqual({ queued: 1 });
    expect((await core.api.clipAnalysis({ id })).status).toBe('queued');

    expect((await core.api.resumeAnalysis({})).state).not.toBe('paused');
    await expect.poll(async () => (await core.api.analysisProgress({})).crashed).toBe(1);
    const view = await core.api.clipAnalysis({ id });
    expect(view.status).toBe('crashed');
    expect(view.error).toContain(`exit code ${WORKER_EXIT_CODE}`);
    const failures = await core.api.analysisFailures({});
    expect(failures).toEqual([{ clipId: id, title: core.library.get(id).title, state: 'crashed', error: view.error, attempts: 1 }]);

    // Asked again, it is queued again (and, paused, waits).
    expect((await core.api.pauseAnalysis({})).state).toBe('paused');
    expect(await core.api.analyseClips({ ids: [id] })).toEqual({ queued: 1 });
    expect(await core.api.analysisFailures({})).toEqual([]);
    expect(await core.api.analysisProgress({})).toMatchObject({ state: 'paused', queued: 1, crashed: 0 });
  });
});

describe('analysis-changed events', () => {
  test('follow analysis at most four a second, each with the progress as it is at the end', async () => {
    const { core } = await start();
    const seen: { at: number; progress: AnalysisProgress }[] = [];
    const stop = core.api.onEvent((event: ApiEvent) => {
      if (event.type === 'analysis-changed') seen.push({ at: Date.now(), progress: event.progress });
    });
    const ids = [await textClip(core, 'first'), await textClip(core, 'second'), await textClip(core, 'third')];
    await core.api.cancelAnalysis({});
    seen.length = 0;
    for (const id of ids) await core.api.analyseClips({ ids: [id] });
    await core.api.cancelAnalysis({ ids: [ids[0]!] });
    await expect.poll(() => seen.at(-1)?.progress.queued).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, ANALYSIS_EVENT_INTERVAL_MS * 2));
    stop();
    expect(seen.at(-1)!.progress).toMatchObject({ state: 'paused', queued: 2 });
    for (let index = 1; index < seen.length; index++) expect(seen[index]!.at - seen[index - 1]!.at).toBeGreaterThanOrEqual(ANALYSIS_EVENT_INTERVAL_MS - 20);
  });
});
