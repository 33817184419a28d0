import { describe, expect, it } from 'vitest';
import { chapterMetadata, cutPasses, planCut, type CutRequest } from '../../../main/library/video/cut-plan.js';
import type { VideoFacts } from '../../../main/library/video/video-source.js';

const h264: VideoFacts = {
  durationMs: 10_000,
  startMs: 0,
  video: { index: 0, width: 1280, height: 720, codec: 'h264', fps: 25 },
  audio: { index: 1, codec: 'aac' },
  frameMs: 40,
};
const keyframesMs = [0, 2000, 4000, 6000, 8000];
const files = { input: 'http://127.0.0.1:1/x', output: '/tmp/out.part', palette: '/tmp/out.part.palette.png' };

function request(overrides: Partial<CutRequest> = {}): CutRequest {
  return { format: 'mp4', trim: { startMs: 2000, endMs: 5000 }, facts: h264, keyframesMs, ...overrides };
}

describe('planCut', () => {
  it('copies the streams when the in-point is on a keyframe and the container takes the codecs', () => {
    expect(planCut(request())).toMatchObject({ mode: 'copy', startMs: 2000, durationMs: 3000 });
    // Within a frame of a keyframe counts: the copy starts on the keyframe, and says so.
    expect(planCut(request({ trim: { startMs: 2030, endMs: 5000 } }))).toMatchObject({ mode: 'copy', startMs: 2000, durationMs: 3000 });
    expect(planCut(request({ trim: { startMs: 1970, endMs: 5000 } }))).toMatchObject({ mode: 'copy', startMs: 2000, durationMs: 3000 });
    // The out-point needs no keyframe.
    expect(planCut(request({ trim: { startMs: 0, endMs: 3333 } }))).toMatchObject({ mode: 'copy', startMs: 0, durationMs: 3333 });
    expect(planCut(request({ format: 'webm', facts: { ...h264, video: { ...h264.video, codec: 'vp9' }, audio: { index: 1, codec: 'opus' } } })).mode).toBe('copy');
    expect(planCut(request({ facts: { ...h264, audio: null } })).mode).toBe('copy');
  });

  it('re-encodes, frame-exact, when the in-point is between keyframes', () => {
    expect(planCut(request({ trim: { startMs: 2100, endMs: 5000 } }))).toMatchObject({ mode: 'encode', startMs: 2100, durationMs: 2900, reason: 'the cut does not start on a keyframe' });
    expect(planCut(request({ keyframesMs: [] })).mode).toBe('encode');
  });

  it('re-encodes when the target container cannot hold the source codecs', () => {
    expect(planCut(request({ format: 'webm' }))).toMatchObject({ mode: 'encode', reason: 'WEBM cannot hold h264 video as it is' });
    expect(planCut(request({ facts: { ...h264, audio: { index: 1, codec: 'pcm_s16le' } } }))).toMatchObject({ mode: 'encode', reason: 'MP4 cannot hold pcm_s16le audio as it is' });
    expect(planCut(request({ facts: { ...h264, video: { ...h264.video, codec: 'vp9' } } })).mode).toBe('encode');
  });

  it('always encodes a GIF', () => {
    expect(planCut(request({ format: 'gif' }))).toMatchObject({ mode: 'gif', startMs: 2000, durationMs: 3000 });
  });
});

describe('cutPasses', () => {
  const argsOf = (overrides: Partial<CutRequest> = {}) => {
    const wanted = request(overrides);
    return cutPasses(planCut(wanted), wanted, files);
  };

  it('copies from half a frame past the keyframe, so rounding cannot land on the keyframe before', () => {
    const [pass, ...rest] = argsOf();
    expect(rest).toEqual([]);
    const args = pass!.args.join(' ');
    expect(args).toContain('-ss 2.020 -t 2.980 -i http://127.0.0.1:1/x');
    expect(args).toContain('-map 0:0 -map 0:1 -c copy');
    expect(args).toContain('-f mp4 /tmp/out.part');
    expect(args).toContain('-progress pipe:1');
    expect(pass).toMatchObject({ from: 0, to: 1, durationMs: 3000, stage: 'copying' });
  });

  it('encodes MP4 with x264 and AAC, WebM with VP9 and Opus, and leaves out audio a video does not have', () => {
    const mp4 = argsOf({ trim: { startMs: 2100, endMs: 5000 } })[0]!.args.join(' ');
    expect(mp4).toContain('-ss 2.100 -t 2.900 -i');
    expect(mp4).toMatch(/-c:v libx264 .*-c:a aac .*-movflags \+faststart -f mp4/);
    const webm = argsOf({ format: 'webm', facts: { ...h264, audio: null } })[0]!.args;
    expect(webm.join(' ')).toMatch(/-c:v libvpx-vp9 .*-f webm/);
    expect(webm).not.toContain('libopus');
    expect(webm.filter((arg) => arg === '-map')).toHaveLength(1);
  });

  it('makes a GIF in two passes, a palette then the frames, sharing the progress', () => {
    const passes = argsOf({ format: 'gif' });
    expect(passes.map(({ stage, from, to }) => ({ stage, from, to }))).toEqual([
      { stage: 'choosing colours', from: 0, to: 0.3 },
      { stage: 'encoding the GIF', from: 0.3, to: 1 },
    ]);
    expect(passes[0]!.args.join(' ')).toContain('palettegen');
    expect(passes[0]!.args).toContain(files.palette);
    expect(passes[1]!.args.join(' ')).toMatch(/-i \/tmp\/out\.part\.palette\.png .*paletteuse.*-f gif \/tmp\/out\.part/);
    expect(passes[1]!.args.join(' ')).toContain('fps=15');
  });
});

describe('chapterMetadata', () => {
  it('makes the markers inside the cut chapters in the output’s time, each up to the next', () => {
    const markers = [
      { atMs: 1000, label: 'before the cut' },
      { atMs: 3500, label: 'demo' },
      { atMs: 2000, label: '' },
      { atMs: 5000, label: 'at the very end' },
    ];
    expect(chapterMetadata(markers, { startMs: 2000, durationMs: 3000 })).toBe(
      [';FFMETADATA1', '[CHAPTER]', 'TIMEBASE=1/1000', 'START=0', 'END=1500', 'title=Marker at 0:02.00', '[CHAPTER]', 'TIMEBASE=1/1000', 'START=1500', 'END=3000', 'title=demo', ''].join('\n'),
    );
    // Before the first marker: a chapter from the start, as MP4 players count anyway.
    expect(chapterMetadata([{ atMs: 3500, label: 'demo' }], { startMs: 2000, durationMs: 3000 })).toBe(
      [';FFMETADATA1', '[CHAPTER]', 'TIMEBASE=1/1000', 'START=0', 'END=1500', 'title=Start', '[CHAPTER]', 'TIMEBASE=1/1000', 'START=1500', 'END=3000', 'title=demo', ''].join('\n'),
    );
    expect(chapterMetadata([{ atMs: 100, label: 'x' }], { startMs: 2000, durationMs: 3000 })).toBeNull();
  });

  it('keeps a peer’s label from adding lines, keys or sections', () => {
    const metadata = chapterMetadata([{ atMs: 0, label: 'a=b;c#d\\e\n[CHAPTER]\nSTART=9' }], { startMs: 0, durationMs: 1000 })!;
    expect(metadata.split('\n')).toEqual([';FFMETADATA1', '[CHAPTER]', 'TIMEBASE=1/1000', 'START=0', 'END=1000', 'title=a\\=b\\;c\\#d\\\\e [CHAPTER] START\\=9', '']);
  });

  it('goes into MP4 and WebM exports as a second input, never into a GIF', () => {
    const wanted = request({ markers: [{ atMs: 3000, label: 'demo' }] });
    const args = cutPasses(planCut(wanted), wanted, files)[0]!.args.join(' ');
    expect(args).toMatch(/-i http:\/\/127\.0\.0\.1:1\/x -f ffmetadata -i data:text\/plain;base64,\S+ .*-map_chapters 1/);
    const gif = request({ format: 'gif', markers: [{ atMs: 3000, label: 'demo' }] });
    expect(cutPasses(planCut(gif), gif, files).map((pass) => pass.args.join(' ')).join(' ')).not.toContain('ffmetadata');
  });
});
