// Trimmed video exports through the real library, blob store and bundled ffmpeg, measured by
// decoding what was written: stream copy when the cut starts on a keyframe, frame-exact re-encode
// otherwise, WebM and GIF; progress, cancellation, bad trims, the waveform, frames and the poster.
import { ImmutableString } from '@automerge/automerge';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailChangeMessage } from '../../contract/clip-details.js';
import { openClipMedia } from '../../main/api/media.js';
import { exportRendered } from '../../main/library/export/export-rendered.js';
import { exportVideo } from '../../main/library/export/export-video.js';
import { importFiles } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { videoTimeline } from '../../main/library/video/video-timeline.js';
import { measureVideo } from '../helpers/video-measure.js';
import { averageColour, writeKeyframedMp4, writeMp4, writeRedThenBlueMp4 } from '../unit/import/fixtures.js';
import fsSync from 'node:fs';
import os from 'node:os';

const FRAME_MS = 40;
let library: Library;
let work: string;
const ids: Record<'keyed' | 'silent' | 'colours' | 'long', string> = { keyed: '', silent: '', colours: '', long: '' };

beforeAll(async () => {
  // Not tests/helpers/temp.ts: its folders go after each test, and these serve the whole file.
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-video-'));
  library = await Library.create(path.join(work, 'library'), { secretStore: new MemorySecretStore() });
  const inbox = path.join(work, 'inbox');
  await fs.mkdir(inbox);
  const files = {
    keyed: await writeKeyframedMp4(path.join(inbox, 'keyed.mp4'), { seconds: 6, keyframeSeconds: 1 }),
    silent: await writeKeyframedMp4(path.join(inbox, 'silent.mp4'), { seconds: 3, audio: false }),
    colours: await writeRedThenBlueMp4(path.join(inbox, 'colours.mp4'), 2, 2),
    long: await writeMp4(path.join(inbox, 'long.mp4'), { seconds: 40, size: '640x480' }),
  };
  const report = await importFiles(library, Object.values(files));
  expect(report.failed).toEqual([]);
  for (const [name, file] of Object.entries(files)) ids[name as keyof typeof ids] = report.imported.find((event) => event.path === file)!.id;
});

afterAll(async () => {
  await library?.close();
  await fs.rm(work, { recursive: true, force: true });
});

async function setVideoEdits(id: string, edits: { trimStartMs?: number | null; trimEndMs?: number | null; posterMs?: number | null }): Promise<void> {
  await library.changeDetails(id, detailChangeMessage('trim', id), (doc) => {
    if (edits.trimStartMs !== undefined) doc.video.trimStartMs = edits.trimStartMs;
    if (edits.trimEndMs !== undefined) doc.video.trimEndMs = edits.trimEndMs;
    if (edits.posterMs !== undefined) doc.video.posterMs = edits.posterMs;
  });
  await library.settleEdits();
}

function outPath(name: string): string {
  return path.join(work, 'out', name);
}

async function firstFrame(file: string, atSeconds = 0): Promise<Buffer> {
  const { runFfmpeg } = await import('../../main/library/import/ffmpeg.js');
  const run = await runFfmpeg(['-v', 'error', '-ss', String(atSeconds), '-i', `file:${file}`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { timeoutMs: 30_000, maxStdoutBytes: 10_000_000 });
  return run.stdout;
}

describe('exporting a trimmed video', () => {
  beforeAll(async () => {
    await fs.mkdir(path.join(work, 'out'), { recursive: true });
  });

  it('copies the streams when the cut starts on a keyframe, and the result lasts as long as the trim', async () => {
    await setVideoEdits(ids.keyed, { trimStartMs: 2000, trimEndMs: 4500 });
    const target = outPath('copy.mp4');
    const fractions: number[] = [];
    const { plan } = await exportVideo(library, ids.keyed, 'mp4', target, { onProgress: (fraction) => fractions.push(fraction) });
    expect(plan).toMatchObject({ mode: 'copy', startMs: 2000, durationMs: 2500 });
    const measured = await measureVideo(target);
    expect(measured.videoCodec).toBe('h264');
    expect(measured.audioCodec).toBe('aac');
    expect(Math.abs(measured.playedMs - 2500)).toBeLessThanOrEqual(2 * FRAME_MS);
    expect(Math.abs(measured.containerMs! - 2500)).toBeLessThanOrEqual(2 * FRAME_MS);
    // Lossless: the first frame is the source's frame at 2 s, bit for bit.
    const source = path.join(work, 'inbox', 'keyed.mp4');
    expect(Buffer.compare(await firstFrame(target), await firstFrame(source, 2))).toBe(0);
    expect(fractions[0]).toBe(0);
    expect(fractions.every((fraction, i) => fraction >= 0 && fraction <= 1 && (i === 0 || fraction >= fractions[i - 1]!))).toBe(true);
  });

  it('writes the markers inside the cut as chapters', async () => {
    await library.changeDetails(ids.keyed, detailChangeMessage('marker', ids.keyed), (doc) => {
      doc.video.markers = { a: { atMs: 1000, label: new ImmutableString('outside') }, b: { atMs: 2500, label: new ImmutableString('Démo = start') } };
    });
    await setVideoEdits(ids.keyed, { trimStartMs: 2000, trimEndMs: 4500 });
    for (const format of ['mp4', 'webm'] as const) {
      const target = outPath(`chapters.${format}`);
      await exportVideo(library, ids.keyed, format, target, {});
      expect((await measureVideo(target)).chapters).toEqual([
        { startMs: 0, endMs: 500, title: 'Start' },
        { startMs: 500, endMs: 2500, title: 'Démo = start' },
      ]);
    }
    await library.changeDetails(ids.keyed, detailChangeMessage('marker', ids.keyed), (doc) => {
      doc.video.markers = {};
    });
  });

  it('re-encodes when the cut starts between keyframes, exactly where the trim says', async () => {
    await setVideoEdits(ids.keyed, { trimStartMs: 2300, trimEndMs: 4500 });
    const target = outPath('encode.mp4');
    const { plan } = await exportVideo(library, ids.keyed, 'mp4', target, {});
    expect(plan).toMatchObject({ mode: 'encode', startMs: 2300, durationMs: 2200 });
    const measured = await measureVideo(target);
    expect(measured.videoCodec).toBe('h264');
    expect(measured.audioCodec).toBe('aac');
    expect(Math.abs(measured.playedMs - 2200)).toBeLessThanOrEqual(2 * FRAME_MS);
    expect(Math.abs(measured.frames - 2200 / FRAME_MS)).toBeLessThanOrEqual(2);
  });

  it('writes WebM (VP9 and Opus) and GIF through the one export path, by the file name', async () => {
    await setVideoEdits(ids.keyed, { trimStartMs: 1000, trimEndMs: 3000 });
    const webm = await exportRendered(library, ids.keyed, outPath('trimmed.webm'));
    expect(webm.format).toBe('webm');
    const measuredWebm = await measureVideo(webm.path);
    expect(measuredWebm).toMatchObject({ videoCodec: 'vp9', audioCodec: 'opus', width: 320, height: 240 });
    expect(Math.abs(measuredWebm.playedMs - 2000)).toBeLessThanOrEqual(2 * FRAME_MS);

    const stages = new Set<string>();
    const gif = await exportRendered(library, ids.keyed, outPath('trimmed.gif'), { onProgress: (_fraction, stage) => stages.add(stage) });
    expect(gif.format).toBe('gif');
    const measuredGif = await measureVideo(gif.path);
    expect(measuredGif.videoCodec).toBe('gif');
    expect(measuredGif.width).toBe(320);
    // 15 frames a second for two seconds.
    expect(Math.abs(measuredGif.frames - 30)).toBeLessThanOrEqual(1);
    expect([...stages]).toEqual(expect.arrayContaining(['choosing colours', 'encoding the GIF', 'done']));
  });

  it('cancelling kills ffmpeg and leaves no file behind', async () => {
    await setVideoEdits(ids.long, { trimStartMs: 500, trimEndMs: 39_000 });
    const folder = path.join(work, 'cancel');
    await fs.mkdir(folder);
    const target = path.join(folder, 'long.webm');
    const aborter = new AbortController();
    const fractions: number[] = [];
    const exporting = exportRendered(library, ids.long, target, {
      signal: aborter.signal,
      onProgress: (fraction, stage) => {
        fractions.push(fraction);
        if (stage === 'encoding' && fraction > 0) aborter.abort();
      },
    });
    await expect(exporting).rejects.toMatchObject({ name: 'AbortError' });
    expect(fractions.some((fraction) => fraction > 0 && fraction < 1)).toBe(true);
    expect(await fs.readdir(folder)).toEqual([]);
  });

  it('refuses a trim that ends before it starts, in words, and writes nothing', async () => {
    await setVideoEdits(ids.keyed, { trimStartMs: 4000, trimEndMs: 1000 });
    const target = outPath('crossed.mp4');
    await expect(exportRendered(library, ids.keyed, target)).rejects.toThrow('the video cannot be exported: the trim ends (0:01.00) before it starts (0:04.00)');
    expect(fsSync.existsSync(target)).toBe(false);
    expect(library.get(ids.keyed).edited?.summary).toMatch(/^trim needs fixing: the trim ends/);
  });

  it('pulls a trim end past the video’s end back to it', async () => {
    await setVideoEdits(ids.keyed, { trimStartMs: 5000, trimEndMs: 60_000 });
    const { plan } = await exportVideo(library, ids.keyed, 'mp4', outPath('past-end.mp4'), {});
    expect(plan.startMs).toBe(5000);
    expect(Math.abs(plan.durationMs - 1000)).toBeLessThanOrEqual(2 * FRAME_MS);
    expect(Math.abs(library.get(ids.keyed).edited!.durationMs! - 1000)).toBeLessThanOrEqual(2 * FRAME_MS);
  });
});

describe('what the editor and the grid see', () => {
  it('gives a waveform for a video with sound, and none (with the reason) for a silent one', async () => {
    const timeline = await videoTimeline(library, ids.keyed, 60);
    expect(timeline.frameMs).toBe(FRAME_MS);
    expect(timeline.keyframesMs).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(timeline.waveform.peaks).toHaveLength(60);
    // ffmpeg's sine source plays at an eighth of full scale.
    for (const peak of timeline.waveform.peaks!.slice(1, -1)) expect(peak).toBeCloseTo(0.125, 1);

    const silent = await videoTimeline(library, ids.silent, 60);
    expect(silent.waveform).toEqual({ peaks: null, reason: 'the video has no sound' });
  });

  it('serves a filmstrip of evenly spaced frames as one image', async () => {
    const media = await openClipMedia(library, ids.colours, { variant: 'frames', count: 4, height: 30 });
    expect(media.mime).toBe('image/webp');
    const chunks: Buffer[] = [];
    for await (const chunk of await media.open()) chunks.push(chunk as Buffer);
    const strip = sharp(Buffer.concat(chunks));
    expect(await strip.metadata()).toMatchObject({ width: 160, height: 30 });
    // Red for the first two seconds, blue for the last two.
    const colours = await Promise.all([0, 1, 2, 3].map(async (i) => averageColour(await strip.clone().extract({ left: i * 40 + 5, top: 5, width: 30, height: 20 }).png().toBuffer())));
    expect(colours.map(([r, , b]) => (r > b ? 'red' : 'blue'))).toEqual(['red', 'red', 'blue', 'blue']);
  });

  it('refuses a filmstrip too wide to encode, saying why', async () => {
    await expect(openClipMedia(library, ids.long, { variant: 'frames', count: 120, height: 480 })).rejects.toThrow(/76800 pixels wide, more than 65535; ask for fewer or lower frames/);
  });

  it('makes the poster frame the clip’s thumbnail, and the trimmed duration its duration', async () => {
    const before = library.get(ids.colours);
    await setVideoEdits(ids.colours, { trimStartMs: 500, trimEndMs: 3500, posterMs: 3000 });
    const clip = library.get(ids.colours);
    expect(clip.edited).toMatchObject({ durationMs: 3000, summary: 'trimmed to 0:00.50–0:03.50, poster frame at 0:03.00' });
    expect(clip.edited!.thumb).toMatch(/^[0-9a-f]{64}$/);
    const [r, , b] = await averageColour(await library.blobs.readAll(clip.edited!.thumb!));
    expect(b).toBeGreaterThan(200);
    expect(r).toBeLessThan(50);
    // The original and its own thumbnail are untouched.
    expect(clip.media).toEqual(before.media);

    // Without a poster frame, the frame where the trim starts.
    await setVideoEdits(ids.colours, { posterMs: null, trimStartMs: 2500 });
    const [r2, , b2] = await averageColour(await library.blobs.readAll(library.get(ids.colours).edited!.thumb!));
    expect(b2).toBeGreaterThan(200);
    expect(r2).toBeLessThan(50);
    await setVideoEdits(ids.colours, { posterMs: null, trimStartMs: 200 });
    const [r3, , b3] = await averageColour(await library.blobs.readAll(library.get(ids.colours).edited!.thumb!));
    expect(r3).toBeGreaterThan(200);
    expect(b3).toBeLessThan(50);
  });
});
