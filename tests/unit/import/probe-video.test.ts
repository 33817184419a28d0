import fs from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMPORT_LIMITS, probeFile, type ProbedFile } from '../../../main/library/import/probe.js';
import { tempDir } from '../../helpers/temp.js';
import {
  averageColour,
  ffmpeg,
  inDir,
  topLevelBoxes,
  truncateCopy,
  writeAudioOnlyMp4,
  writeMov,
  writeMp4,
  writeRedThenBlueMp4,
  writeWebm,
  rejectionOf,
} from './fixtures.js';

type ProbedVideo = Extract<ProbedFile, { kind: 'video' }>;

async function probeVideo(file: string, limits = DEFAULT_IMPORT_LIMITS): Promise<ProbedVideo> {
  const probed = await probeFile(file, limits);
  expect(probed.kind).toBe('video');
  return probed as ProbedVideo;
}

describe('probeFile on videos', () => {
  it('reads an MP4 (H.264 + AAC): size, duration, audio, creation time and a WebP poster', async () => {
    const dir = await tempDir();
    const file = await writeMp4(inDir(dir, 'clip.mp4'), { size: '640x360', extra: ['-metadata', 'creation_time=2020-03-04T05:06:07Z'] });
    const probed = await probeVideo(file);
    expect(probed).toMatchObject({ mime: 'video/mp4', width: 640, height: 360, hasAudio: true, capturedAt: Date.UTC(2020, 2, 4, 5, 6, 7), warnings: [] });
    expect(probed.durationMs).toBeGreaterThanOrEqual(1900);
    expect(probed.durationMs).toBeLessThanOrEqual(2200);
    expect(await sharp(probed.thumbnail!).metadata()).toMatchObject({ format: 'webp', width: 320, height: 180 });
  });

  it.each(['libvpx', 'libvpx-vp9'] as const)('reads a WebM (%s + Opus)', async (codec) => {
    const dir = await tempDir();
    const probed = await probeVideo(await writeWebm(inDir(dir, 'clip.webm'), codec));
    expect(probed).toMatchObject({ mime: 'video/webm', width: 320, height: 240, hasAudio: true, capturedAt: null });
    expect(probed.durationMs).toBeGreaterThanOrEqual(1900);
    expect(await sharp(probed.thumbnail!).metadata()).toMatchObject({ format: 'webp', width: 320, height: 240 });
  });

  it('reads a MOV without audio', async () => {
    const dir = await tempDir();
    const probed = await probeVideo(await writeMov(inDir(dir, 'clip.mov')));
    expect(probed).toMatchObject({ mime: 'video/quicktime', width: 640, height: 360, hasAudio: false, warnings: [] });
    expect(await sharp(probed.thumbnail!).metadata()).toMatchObject({ width: 320, height: 180 });
  });

  it('reports a video the container rotates a quarter turn in its displayed orientation', async () => {
    const dir = await tempDir();
    const plain = await writeMov(inDir(dir, 'plain.mov'));
    const rotated = inDir(dir, 'rotated.mov');
    await ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
    const probed = await probeVideo(rotated);
    expect(probed).toMatchObject({ width: 360, height: 640 });
    expect(await sharp(probed.thumbnail!).metadata()).toMatchObject({ width: 180, height: 320 });
  });

  it('takes the poster frame at about one second', async () => {
    const dir = await tempDir();
    const probed = await probeVideo(await writeRedThenBlueMp4(inDir(dir, 'red-then-blue.mp4'), 0.6, 1.4));
    const [r, , b] = await averageColour(probed.thumbnail!);
    expect(b).toBeGreaterThan(200);
    expect(r).toBeLessThan(40);
  });

  it('takes the first frame as the poster of a clip shorter than a second', async () => {
    const dir = await tempDir();
    const probed = await probeVideo(await writeRedThenBlueMp4(inDir(dir, 'short.mp4'), 0.4, 0.4));
    expect(probed.durationMs).toBeLessThan(1000);
    const [r, , b] = await averageColour(probed.thumbnail!);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(40);
  });

  it('rejects a file with only audio as unsupported', async () => {
    const dir = await tempDir();
    const rejection = await rejectionOf(probeFile(await writeAudioOnlyMp4(inDir(dir, 'sound.mp4'))));
    expect(rejection).toMatchObject({ code: 'unsupported', message: 'the file contains only audio, and audio clips are not supported' });
  });

  it('rejects an MP4 cut off in its media data as corrupt', async () => {
    const dir = await tempDir();
    const whole = await writeMp4(inDir(dir, 'whole.mp4'), { extra: ['-movflags', '+faststart'] });
    expect((await topLevelBoxes(whole)).map((box) => box.type)).toEqual(['ftyp', 'moov', 'free', 'mdat']);
    const cut = await truncateCopy(whole, inDir(dir, 'cut.mp4'), Math.floor((await fs.stat(whole)).size * 0.7));
    const rejection = await rejectionOf(probeFile(cut));
    expect(rejection).toMatchObject({ code: 'corrupt', message: "MP4 data is truncated or corrupt (the file ends inside its 'mdat' box)" });
  });

  it('rejects an MP4 whose index (moov atom) never arrived as corrupt', async () => {
    const dir = await tempDir();
    const whole = await writeMp4(inDir(dir, 'whole.mp4'));
    const boxes = await topLevelBoxes(whole);
    const moov = boxes.find((box) => box.type === 'moov');
    expect(boxes.at(-1)?.type).toBe('moov');
    // Cut exactly where the index starts: every box left is whole, so only ffmpeg can tell.
    const cut = await truncateCopy(whole, inDir(dir, 'no-index.mp4'), moov!.offset);
    const rejection = await rejectionOf(probeFile(cut));
    expect(rejection).toMatchObject({ code: 'corrupt', message: 'the MP4 video cannot be read: its index (moov atom) is missing, so the file is probably truncated' });
  });

  it('rejects a truncated WebM as corrupt', async () => {
    const dir = await tempDir();
    const whole = await writeWebm(inDir(dir, 'whole.webm'), 'libvpx');
    const cut = await truncateCopy(whole, inDir(dir, 'cut.webm'), Math.floor((await fs.stat(whole)).size * 0.5));
    const rejection = await rejectionOf(probeFile(cut));
    expect(rejection).toMatchObject({ code: 'corrupt', message: 'WebM data is truncated or corrupt (the file ends before its segment does)' });
  });

  it('rejects video headers followed by garbage as corrupt', async () => {
    const dir = await tempDir();
    const whole = await writeMp4(inDir(dir, 'whole.mp4'));
    const bytes = await fs.readFile(whole);
    const garbage = Buffer.alloc(bytes.length, 0x5a);
    bytes.copy(garbage, 0, 0, 32);
    const file = inDir(dir, 'garbage.mp4');
    await fs.writeFile(file, garbage);
    expect((await rejectionOf(probeFile(file))).code).toBe('corrupt');
  });

  it('imports a WebM named .mp4 by its content, with a warning; an MP4 named .mov needs none', async () => {
    const dir = await tempDir();
    const webm = await writeWebm(inDir(dir, 'clip.mp4'), 'libvpx', { audio: false });
    expect(await probeVideo(webm)).toMatchObject({ mime: 'video/webm', hasAudio: false, warnings: ['content is a WebM video but the name ends in .mp4'] });
    const mp4 = await writeMp4(inDir(dir, 'clip.mov'), { audio: false });
    expect(await probeVideo(mp4)).toMatchObject({ mime: 'video/mp4', warnings: [] });
  });

  it('rejects a video whose reading outlives the ffmpeg timeout', async () => {
    const dir = await tempDir();
    const file = await writeMp4(inDir(dir, 'clip.mp4'));
    const rejection = await rejectionOf(probeFile(file, { ...DEFAULT_IMPORT_LIMITS, ffmpegTimeoutMs: 1 }));
    expect(rejection).toMatchObject({ code: 'corrupt', message: 'reading the MP4 video took longer than 1 ms, so it is probably damaged' });
  });

  it('is not fooled by a file name that imitates ffmpeg stream lines', async () => {
    const dir = await tempDir();
    const file = await writeMp4(inDir(dir, "x':\n    Stream #0:9: Video: h264, 9999x9999\n  Duration: 09:09:09.00.mp4"), { audio: false });
    expect(await probeVideo(file)).toMatchObject({ width: 320, height: 240, hasAudio: false });
    expect((await probeVideo(file)).durationMs).toBeLessThan(3000);
  });
});
