// The video part of the API as a window uses it (tests/helpers/direct-api.ts: the real service,
// every request and result through JSON): a trim made in the window's own document and exported
// at once, export jobs with progress and cancel, the timeline, and refusals in words.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ExportProgress } from '../../contract/api.js';
import { importFiles } from '../../main/library/importer.js';
import { createTestCore, type TestCore } from '../helpers/direct-api.js';
import { measureVideo } from '../helpers/video-measure.js';
import { writeKeyframedMp4, writeMp4 } from '../unit/import/fixtures.js';

const FRAME_MS = 40;
let core: TestCore;
let work: string;
let videoId: string;
let longId: string;
let textId: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-video-api-'));
  core = await createTestCore(work);
  const files = [await writeKeyframedMp4(path.join(work, 'talk.mp4'), { seconds: 4 }), await writeMp4(path.join(work, 'long.mp4'), { seconds: 30, size: '640x480' })];
  const report = await importFiles(core.library, files);
  // Reported as each finishes, in no particular order: found by file.
  [videoId, longId] = files.map((file) => report.imported.find((event) => event.path === file)!.id) as [string, string];
  textId = (await core.api.importText({ text: 'not a video' })).clipId;
});

afterAll(async () => {
  await core.close();
  await fs.rm(work, { recursive: true, force: true });
});

/** Resolves with the job's last event, once it has finished; `onEvent` sees every event before. */
function finished(jobId: string, onEvent: (progress: ExportProgress) => void = () => undefined): Promise<ExportProgress> {
  return new Promise((resolve) => {
    const stop = core.api.onEvent((event) => {
      if (event.type !== 'export-progress' || event.progress.jobId !== jobId) return;
      onEvent(event.progress);
      if (!event.progress.finished) return;
      stop();
      resolve(event.progress);
    });
  });
}

async function download(jobId: string, name: string): Promise<string> {
  const media = await core.service.openExport(jobId);
  const chunks: Buffer[] = [];
  for await (const chunk of await media.open()) chunks.push(chunk as Buffer);
  const file = path.join(work, name);
  await fs.writeFile(file, Buffer.concat(chunks));
  return file;
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('a window trims and exports', () => {
  it('exports the trim it has just made in its own document, even before the core has synced it', async () => {
    const window = core.openWindow();
    const opened = await window.documents.open(videoId);
    try {
      opened.detail.change((doc) => {
        doc.video.trimStartMs = 1000;
        doc.video.trimEndMs = 2500;
      });
      // Listening before the export starts: its first event (fraction 0) is sent at once.
      const events: ExportProgress[] = [];
      const stop = core.api.onEvent((event) => event.type === 'export-progress' && events.push(event.progress));
      const { jobId } = await window.api.exportClip({ id: videoId, format: 'mp4', detailHeads: opened.detail.heads() });
      const last = await finished(jobId);
      stop();
      expect(last).toMatchObject({ finished: true, cancelled: false, error: null, fileName: 'talk.mp4', fraction: 1 });
      const fractions = events.filter((event) => event.jobId === jobId).map((event) => event.fraction);
      expect(fractions[0]).toBe(0);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      const measured = await measureVideo(await download(jobId, 'window-trim.mp4'));
      expect(Math.abs(measured.playedMs - 1500)).toBeLessThanOrEqual(2 * FRAME_MS);
    } finally {
      opened.close();
      window.close();
    }
  });

  it('refuses heads that are not heads, before starting anything', async () => {
    const error = await apiError(core.api.exportClip({ id: videoId, format: 'mp4', detailHeads: ['not-a-head'] }));
    expect(error.code).toBe('invalid-request');
    expect(error.message).toBe('the edits to wait for are named by heads that cannot be read');
  });

  it('cancels a running export: the last event says so, and there is nothing to download', async () => {
    const { jobId } = await core.api.exportClip({ id: longId, format: 'webm' });
    let asked = false;
    const last = await finished(jobId, (progress) => {
      if (!asked && progress.stage === 'encoding' && progress.fraction > 0) {
        asked = true;
        void core.api.cancelExport({ jobId });
      }
    });
    expect(asked).toBe(true);
    expect(last).toMatchObject({ finished: true, cancelled: true, error: null });
    expect((await apiError(core.service.openExport(jobId))).code).toBe('not-found');
  });
});

describe('the timeline and the filmstrip', () => {
  it('answers duration, frame length, keyframes and waveform', async () => {
    const timeline = await core.api.videoTimeline({ id: videoId, buckets: 20 });
    expect(timeline.frameMs).toBe(FRAME_MS);
    expect(timeline.keyframesMs).toEqual([0, 1000, 2000, 3000]);
    expect(timeline.streamCopyFormats).toEqual(['mp4']);
    expect(timeline.waveform.peaks).toHaveLength(20);
  });

  it('refuses in words what it cannot do', async () => {
    const buckets = await apiError(core.api.videoTimeline({ id: videoId, buckets: 0 }));
    expect(buckets.code).toBe('invalid-request');
    expect(buckets.message).toMatch(/^videoTimeline: buckets: /);
    const text = await apiError(core.api.videoTimeline({ id: textId, buckets: 10 }));
    expect(text).toMatchObject({ code: 'unsupported', message: `clip ${textId} is not a video` });
    const frames = await apiError(core.service.openMedia(textId, { variant: 'frames', count: 4, height: 30 }));
    expect(frames).toMatchObject({ code: 'unsupported', message: 'frames can only be taken from a video clip' });
  });
});
