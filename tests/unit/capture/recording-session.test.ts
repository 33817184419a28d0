// Screen recording: the session's phases, and real segments (ffmpeg's test sources) recorded with
// pauses between them, joined into one playable video clip.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { offeredAudio, planAudio } from '../../../main/capture/recording/audio-options.js';
import { frameSizeOf, joinSegments } from '../../../main/capture/recording/join-segments.js';
import { cropProblem, regionInRecording } from '../../../main/capture/recording/recording-crop.js';
import { RecordingSession, RecordingStateError } from '../../../main/capture/recording/recording-session.js';
import { saveRecording } from '../../../main/capture/recording/save-recording.js';
import type { RecordingState, StopControl } from '../../../main/capture/recording/segment-recorder.js';
import { runFfmpeg } from '../../../main/library/import/ffmpeg.js';
import type { Library } from '../../../main/library/library.js';
import sharp from 'sharp';
import { createTestLibrary } from '../../helpers/library.js';
import { TestSourceRecorder, makeSegment } from '../../helpers/test-source-recorder.js';
import { tempDir } from '../../helpers/temp.js';
import { measureVideo } from '../../helpers/video-measure.js';

/** A stop control that remembers what it was told, as the on-screen one shows it. */
class ShownStopControl implements StopControl {
  visible = false;
  shown: RecordingState[] = [];
  actions: { stop(): void; pause(): void; resume(): void } | null = null;
  show(actions: { stop(): void; pause(): void; resume(): void }): void {
    this.visible = true;
    this.actions = actions;
  }
  update(state: RecordingState): void {
    expect(this.visible).toBe(true);
    this.shown.push(state);
  }
  hide(): void {
    this.visible = false;
  }
}

let library: Library;
let work: string;
let recorder: TestSourceRecorder;
let control: ShownStopControl;
let phases: string[];

beforeEach(async () => {
  ({ library } = await createTestLibrary());
  work = await tempDir();
  recorder = new TestSourceRecorder(work);
  control = new ShownStopControl();
  phases = [];
});

afterEach(async () => {
  await library.close();
});

function session(options: { countdownSeconds?: 0 | 3 | 5 | 10 } = {}): RecordingSession {
  const made = new RecordingSession({
    recorder,
    stopControl: control,
    save: (segments) => saveRecording(library, segments, { startedAt: Date.UTC(2025, 2, 1, 14, 5, 9), hasAudio: true }),
    tickMs: 10,
    ...options,
  });
  made.onChange((state) => phases.push(state.phase === 'countdown' ? `countdown ${state.secondsLeft}` : state.phase));
  return made;
}

describe('the session', () => {
  it('counts down, records, pauses and resumes, stops, and saves one video clip from the parts', async () => {
    const recording = session({ countdownSeconds: 3 });
    await recording.start();
    expect(control.visible).toBe(true);
    await recording.pause();
    expect(recording.state).toMatchObject({ phase: 'paused', segments: 1 });
    await recording.resume();
    await recording.pause();
    await recording.resume();
    const final = await recording.stop();

    expect(phases).toEqual(['countdown 3', 'countdown 2', 'countdown 1', 'recording', 'paused', 'recording', 'paused', 'recording', 'stopping', 'saved']);
    expect(control.visible).toBe(false);
    expect(control.shown.map((state) => state.phase)).toEqual(['countdown', 'countdown', 'countdown', 'recording', 'paused', 'recording', 'paused', 'recording', 'stopping']);
    expect(recorder.written).toHaveLength(3);
    // The parts are gone once the clip is durable.
    for (const segment of recorder.written) await expect(fs.access(segment)).rejects.toThrow();

    expect(final.phase).toBe('saved');
    const clip = library.get((final as { clipId: string }).clipId);
    expect(clip.kind).toBe('video');
    expect(clip.media).toMatchObject({ mime: 'video/webm', width: 320, height: 240 });
    expect(clip.media!.durationMs).toBeGreaterThan(2900);
    expect(clip.media!.durationMs).toBeLessThan(3100);
    expect(clip.title).toMatch(/^Screen recording 2025-03-01 \d\d\.05\.09$/);

    // Playable from start to end: every frame of the three seconds decodes.
    const file = path.join(work, 'saved.webm');
    await library.blobs.exportTo(clip.media!.blob, file);
    const measured = await measureVideo(file);
    expect(measured.frames).toBe(90);
    expect(measured.playedMs).toBeGreaterThan(2900);
    expect(measured.audioCodec).toBe('opus');
  });

  it('the stop control stops it', async () => {
    const recording = session();
    await recording.start();
    const saved = new Promise<void>((resolve) => recording.onChange((state) => state.phase === 'saved' && resolve()));
    control.actions!.stop();
    await saved;
    expect(library.count({ kind: 'video' })).toBe(1);
    expect(control.visible).toBe(false);
  });

  it('refuses what its phase does not allow, in words', async () => {
    const recording = session();
    expect(() => recording.pause()).toThrow(new RecordingStateError('pause', 'idle'));
    expect(() => recording.pause()).toThrow('cannot pause a recording that is not started');
    await expect(recording.stop()).rejects.toThrow('cannot stop a recording that is not started');
    await recording.start();
    expect(() => recording.start()).toThrow('cannot start a recording that is recording');
    expect(() => recording.resume()).toThrow('cannot resume a recording that is recording');
    await recording.pause();
    expect(() => recording.pause()).toThrow('cannot pause a recording that is paused');
    await recording.cancel();
    expect(recording.state).toEqual({ phase: 'idle' });
  });

  it('cancel in the countdown records nothing; cancel while recording throws the parts away', async () => {
    const counting = session({ countdownSeconds: 10 });
    const started = counting.start();
    await counting.cancel();
    await started;
    expect(recorder.starts).toBe(0);
    expect(counting.state).toEqual({ phase: 'idle' });
    expect(control.visible).toBe(false);

    const recording = session();
    await recording.start();
    await recording.pause();
    await recording.resume();
    await recording.cancel();
    expect(recorder.written).toHaveLength(2);
    for (const segment of recorder.written) await expect(fs.access(segment)).rejects.toThrow();
    expect(library.count({ kind: 'video' })).toBe(0);
  });

  it('a refused capture fails the session with the reason, keeping what was recorded', async () => {
    const recording = session();
    await recording.start();
    await recording.pause();
    recorder.failNextStart = new Error('screen recording is not allowed: turn it on in System Settings → Privacy & Security → Screen Recording');
    await expect(recording.resume()).rejects.toThrow(/not allowed/);
    expect(recording.state).toMatchObject({ phase: 'failed', keptSegments: [recorder.written[0]] });
    expect((recording.state as { reason: string }).reason).toMatch(/Screen Recording \(the recorded parts are kept: .*segment-0\.webm\)$/);
    await fs.access(recorder.written[0]!);
    expect(control.visible).toBe(false);
  });
});

describe('joining', () => {
  it('re-encodes parts of different sizes (a resized window) into one playable video', async () => {
    const segments = [path.join(work, 'a.webm'), path.join(work, 'b.webm')];
    await makeSegment(segments[0]!, { source: 'testsrc', size: '320x240', seconds: 1, audio: false, frequency: 440 });
    await makeSegment(segments[1]!, { source: 'smptebars', size: '640x360', seconds: 1, audio: false, frequency: 440 });
    const joined = await joinSegments(segments, path.join(work, 'joined.webm'), { hasAudio: false });
    expect(joined.method).toBe('re-encode');
    const measured = await measureVideo(joined.file);
    expect(measured).toMatchObject({ frames: 60, width: 320, height: 240, videoCodec: 'vp9' });
  });

  it('copies parts of one size without re-encoding', async () => {
    const segments = [path.join(work, 'a.webm'), path.join(work, 'b.webm')];
    await makeSegment(segments[0]!, { source: 'testsrc', size: '320x240', seconds: 1, audio: true, frequency: 440 });
    await makeSegment(segments[1]!, { source: 'smptebars', size: '320x240', seconds: 1, audio: true, frequency: 660 });
    const joined = await joinSegments(segments, path.join(work, 'joined.webm'), { hasAudio: true });
    expect(joined.method).toBe('copy');
    expect(await measureVideo(joined.file)).toMatchObject({ frames: 60, videoCodec: 'vp8', audioCodec: 'opus' });
  });

  it('refuses an empty recording, and a part that is not a video, keeping the parts', async () => {
    await expect(joinSegments([], path.join(work, 'x.webm'), { hasAudio: false })).rejects.toThrow('no segments');
    const bad = path.join(work, 'bad.webm');
    await fs.writeFile(bad, 'not a video');
    await expect(saveRecording(library, [bad], { startedAt: Date.now(), hasAudio: false })).rejects.toThrow(/could not be joined|could not be saved/);
    await fs.access(bad);
  });
});

/** One frame of a video, `atSeconds` in, as raw RGB (decoded by ffmpeg, read by sharp). */
async function frameAt(file: string, atSeconds: number, crop?: { x: number; y: number; width: number; height: number }): Promise<{ data: Buffer; width: number; height: number }> {
  const png = path.join(work, `frame-${path.basename(file)}-${atSeconds}.png`);
  const run = await runFfmpeg(['-y', '-i', file, '-ss', String(atSeconds), '-frames:v', '1', png], { timeoutMs: 60_000 });
  expect(run.exitCode, run.stderr.slice(-300)).toBe(0);
  const image = crop ? sharp(png).extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height }) : sharp(png);
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function meanDifference(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += Math.abs(a[index]! - b[index]!);
  return sum / a.length;
}

describe('a region', () => {
  it('saves only the region: its size, and the source picture cut there', async () => {
    const segments = [path.join(work, 'a.webm'), path.join(work, 'b.webm')];
    await makeSegment(segments[0]!, { source: 'testsrc', size: '320x240', seconds: 1, audio: true, frequency: 440 });
    await makeSegment(segments[1]!, { source: 'smptebars', size: '320x240', seconds: 1, audio: true, frequency: 660 });
    const crop = { x: 40, y: 20, width: 200, height: 120 };
    // The source frames, read before saving removes the parts.
    const source = await frameAt(segments[0]!, 0.5, crop);
    const beside = await frameAt(segments[0]!, 0.5, { ...crop, x: 80 });
    const secondSource = await frameAt(segments[1]!, 0.5, crop);
    // A second name for the first part's bytes: saving overwrites the parts before removing them.
    const link = path.join(await tempDir(), 'part-link.webm');
    await fs.link(segments[0]!, link);
    const partSize = (await fs.stat(link)).size;
    const saved = await saveRecording(library, segments, { startedAt: Date.UTC(2025, 2, 1, 14, 5, 9), hasAudio: true, crop });
    expect(saved.method).toBe('re-encode');
    expect(await fs.readFile(link)).toEqual(Buffer.alloc(partSize));
    const clip = library.get(saved.clipId);
    expect(clip.media).toMatchObject({ width: 200, height: 120 });
    const file = path.join(work, 'saved.webm');
    await library.blobs.exportTo(clip.media!.blob, file);
    expect(await measureVideo(file)).toMatchObject({ frames: 60, width: 200, height: 120, audioCodec: 'opus' });
    const recorded = await frameAt(file, 0.5);
    expect(meanDifference(recorded.data, source.data)).toBeLessThan(6);
    // The same picture cut 40 pixels to the side is a different picture: the comparison can fail.
    expect(meanDifference(recorded.data, beside.data)).toBeGreaterThan(20);
    // The second part is cut the same way.
    const second = await frameAt(file, 1.5);
    expect(meanDifference(second.data, secondSource.data)).toBeLessThan(6);
  });

  it('refuses a region outside the picture or of odd size, in words, keeping the parts', async () => {
    const segment = path.join(work, 'a.webm');
    await makeSegment(segment, { source: 'testsrc', size: '320x240', seconds: 1, audio: false, frequency: 440 });
    await expect(saveRecording(library, [segment], { startedAt: Date.now(), hasAudio: false, crop: { x: 200, y: 0, width: 200, height: 100 } })).rejects.toThrow('not inside the recorded 320 × 240 picture');
    await expect(joinSegments([segment], path.join(work, 'x.webm'), { hasAudio: false, crop: { x: 0, y: 0, width: 201, height: 100 } })).rejects.toThrow('even width and height');
    await fs.access(segment);
    expect(cropProblem({ x: 1, y: 0, width: 20, height: 20 }, { width: 320, height: 240 })).toMatch(/even pixel/);
    expect(cropProblem({ x: 0.5, y: 0, width: 20, height: 20 }, { width: 320, height: 240 })).toMatch(/whole pixels/);
    expect(cropProblem({ x: 318, y: 238, width: 2, height: 2 }, { width: 320, height: 240 })).toBeNull();
    expect(await frameSizeOf(segment)).toEqual({ width: 320, height: 240 });
    // Sound asked for and not recorded (no system sound here) is left out rather than failing the join.
    const silent = await joinSegments([segment], path.join(work, 'silent.webm'), { hasAudio: true, crop: { x: 0, y: 0, width: 100, height: 60 } });
    expect(await measureVideo(silent.file)).toMatchObject({ width: 100, height: 60, audioCodec: null });
  });

  it('turns a region of the desktop (DIP) into even pixels of the recorded frames', () => {
    const display = { id: '2', bounds: { x: 1440, y: 0, width: 1280, height: 800 }, scaleFactor: 2 };
    // Recorded at the display's device pixels (2560 × 1600): doubled, from the display's corner.
    expect(regionInRecording({ x: 1540, y: 50, width: 300, height: 200 }, display, { width: 2560, height: 1600 })).toEqual({ x: 200, y: 100, width: 600, height: 400 });
    // Recorded at 1920 × 1200: scaled by 1.5, then made even (inside the region, never past it).
    expect(regionInRecording({ x: 1441, y: 1, width: 101, height: 51 }, display, { width: 1920, height: 1200 })).toEqual({ x: 2, y: 2, width: 150, height: 76 });
    // Cut to the display; nothing of it there is no region.
    expect(regionInRecording({ x: 2600, y: 700, width: 400, height: 400 }, display, { width: 1280, height: 800 })).toEqual({ x: 1160, y: 700, width: 120, height: 100 });
    expect(regionInRecording({ x: 0, y: 0, width: 300, height: 300 }, display, { width: 1280, height: 800 })).toBeNull();
  });
});

describe('audio', () => {
  it('keeps the microphone everywhere and system audio only where the OS gives it', () => {
    expect(planAudio({ microphone: true, systemAudio: true }, 'win32')).toEqual({ microphone: true, systemAudio: true, notes: [] });
    expect(planAudio({ microphone: false, systemAudio: true }, 'darwin')).toMatchObject({ systemAudio: false, notes: ['System audio cannot be recorded on macOS yet; recording without it. Record the microphone instead.'] });
    const linux = planAudio({ microphone: true, systemAudio: true }, 'linux');
    expect(linux).toMatchObject({ microphone: true, systemAudio: false });
    expect(linux.notes[0]).toMatch(/cannot be recorded on Linux/);
    // What the tray offers to tick.
    expect(offeredAudio('win32')).toEqual({ microphone: true, systemAudio: true });
    expect(offeredAudio('darwin')).toEqual({ microphone: true, systemAudio: false });
    expect(offeredAudio('linux')).toEqual({ microphone: true, systemAudio: false });
  });
});
