import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFfmpegInfo } from '../../../main/library/import/ffmpeg-info.js';
import { ffmpegPath } from '../../../main/library/import/probe.js';

describe('ffmpegPath', () => {
  it('points at an ffmpeg that runs', () => {
    expect(fs.statSync(ffmpegPath()).isFile()).toBe(true);
    expect(execFileSync(ffmpegPath(), ['-version']).toString()).toMatch(/^ffmpeg version/);
  });
});

describe('parseFfmpegInfo', () => {
  // Shaped like what ffmpeg prints for a phone recording with cover art; the parser must pick the real video stream.
  const url = 'file:/videos/phone.mov';
  const stderr = [
    `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '${url}':`,
    '  Metadata:',
    '    major_brand     : qt  ',
    '    creation_time   : 2023-07-08T09:10:11.000000Z',
    '    com.apple.quicktime.creationdate: 2023-07-08T11:10:05+0200',
    '    title           : first line',
    '                    : Stream #0:7: Video: h264, 4000x4000',
    '  Duration: 00:01:02.50, start: 0.000000, bitrate: 8000 kb/s',
    '    Stream #0:0(und): Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 600x600, 90k tbr (attached pic)',
    '    Stream #0:1(und): Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, bt709), 1920x1080, 7000 kb/s, 29.97 fps (default)',
    '    Metadata:',
    '      creation_time   : 2023-07-08T09:10:11.000000Z',
    '    Side data:',
    '      displaymatrix: rotation of -90.00 degrees',
    '    Stream #0:2(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s (default)',
    'At least one output file must be specified',
  ].join('\n');

  it('takes the real video stream, turned by its display matrix, and Apple’s local creation date', () => {
    expect(parseFfmpegInfo(stderr, url)).toEqual({
      durationMs: 62_500,
      startMs: 0,
      video: { index: 1, width: 1080, height: 1920, codec: 'hevc', fps: 29.97 },
      audio: { index: 2, codec: 'aac' },
      hasAudio: true,
      creationTime: Date.UTC(2023, 6, 8, 9, 10, 5),
    });
  });

  it('reads where a WebM starts, and ignores a frame rate that is only its timebase', () => {
    const webm = [
      `Input #0, matroska,webm, from '${url}':`,
      '  Duration: 00:00:06.01, start: 0.007000, bitrate: 180 kb/s',
      '    Stream #0:0: Video: vp9 (Profile 0), yuv420p(tv), 320x240, SAR 1:1 DAR 4:3, 1k fps, 1k tbr, 1k tbn, 1k tbc (default)',
      '    Stream #0:1: Audio: opus, 48000 Hz, mono, fltp (default)',
    ].join('\n');
    expect(parseFfmpegInfo(webm, url)).toMatchObject({ durationMs: 6010, startMs: 7, video: { codec: 'vp9', fps: null }, audio: { codec: 'opus' } });
  });

  it('returns null when ffmpeg printed no input at all', () => {
    expect(parseFfmpegInfo(`${url}: Invalid data found when processing input\n`, url)).toBeNull();
  });

  it('reports an unknown duration and no video for an audio-only input', () => {
    const audio = [`Input #0, ogg, from '${url}':`, '  Duration: N/A, start: 0.000000, bitrate: N/A', '    Stream #0:0: Audio: opus, 48000 Hz, stereo, fltp'].join('\n');
    expect(parseFfmpegInfo(audio, url)).toEqual({ durationMs: null, startMs: 0, video: null, audio: { index: 0, codec: 'opus' }, hasAudio: true, creationTime: null });
  });
});
