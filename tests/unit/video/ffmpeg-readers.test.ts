// The readers of what ffmpeg prints: progress blocks, packet dumps, and decoded samples.
import { describe, expect, it } from 'vitest';
import { FfmpegProgressReader, progressFraction } from '../../../main/library/video/ffmpeg-progress.js';
import { KeyframeDumpReader } from '../../../main/library/video/keyframes.js';
import { PeakReducer } from '../../../main/library/video/waveform.js';
import { stripTimes, stripWidth } from '../../../main/library/video/frame-strip.js';
import { PromiseCache } from '../../../main/library/video/promise-cache.js';
import { Limiter } from '../../../main/library/video/limiter.js';
import { parseMediaPath } from '../../../contract/media.js';

describe('FfmpegProgressReader', () => {
  it('reports the output time of each block, across chunk boundaries, and the end', () => {
    const seen: [number, boolean][] = [];
    const reader = new FfmpegProgressReader((ms, ended) => seen.push([ms, ended]));
    reader.add('frame=10\nout_time_us=400000\nout_time_ms=400000\nout_time=00:00:00.400000\nprogress=cont');
    reader.add('inue\nframe=20\nout_time_ms=800000\nprogress=continue\n');
    reader.add('out_time=00:01:02.500000\nprogress=end\n');
    expect(seen).toEqual([
      [400, false],
      [800, false],
      [62_500, true],
    ]);
  });

  it('reads a time not yet known (N/A, negative) as 0', () => {
    const seen: number[] = [];
    const reader = new FfmpegProgressReader((ms) => seen.push(ms));
    reader.add('out_time_ms=-9223372036854775807\nout_time=-577014:32:22.775808\nprogress=continue\nout_time=N/A\nprogress=continue\n');
    expect(seen).toEqual([0, 0]);
  });

  it('turns output time into a share of a pass, clamped', () => {
    expect(progressFraction(500, 1000, 0, 1)).toBe(0.5);
    expect(progressFraction(500, 1000, 0.3, 1)).toBeCloseTo(0.65);
    expect(progressFraction(5000, 1000, 0, 0.3)).toBe(0.3);
    expect(progressFraction(100, 0, 0, 1)).toBe(0);
  });
});

describe('KeyframeDumpReader', () => {
  it('keeps the times of one stream’s keyframes, relative to the file’s start', () => {
    const dump = [
      'stream #1:',
      '  keyframe=1',
      '  duration=0.023',
      '  dts=-0.023  pts=-0.023',
      '  size=205',
      'stream #0:',
      '  keyframe=1',
      '  duration=0.040',
      '  dts=0.007  pts=0.007',
      '  size=6684',
      'stream #0:',
      '  keyframe=0',
      '  dts=0.047  pts=0.047',
      'stream #0:',
      '  keyframe=1',
      '  dts=1.007  pts=N/A',
      'stream #0:',
      '  keyframe=1',
      '  dts=2.007  pts=2.007',
    ];
    const reader = new KeyframeDumpReader(0);
    for (const line of dump) reader.line(line);
    expect(reader.keyframesMs(7)).toEqual([0, 1000, 2000]);
  });
});

describe('PeakReducer', () => {
  const samples = (values: number[]) => {
    const bytes = Buffer.alloc(values.length * 2);
    values.forEach((value, i) => bytes.writeInt16LE(value, i * 2));
    return bytes;
  };

  it('keeps the loudest sample of each equal part, whatever the chunking', () => {
    const reducer = new PeakReducer(4, 8);
    const bytes = samples([100, -16384, 0, 32767, -32768, 5, 0, 0]);
    // An odd split puts half a sample in each chunk.
    reducer.add(bytes.subarray(0, 5));
    reducer.add(bytes.subarray(5));
    expect(reducer.peaks()).toEqual([0.5, 1, 1, 0]);
  });

  it('puts samples beyond the stated length in the last part, and leaves parts never reached at 0', () => {
    const longer = new PeakReducer(2, 2);
    longer.add(samples([0, 0, 16384, 16384]));
    expect(longer.peaks()).toEqual([0, 0.5]);
    const shorter = new PeakReducer(4, 8);
    shorter.add(samples([8192, 8192]));
    expect(shorter.peaks()).toEqual([0.25, 0, 0, 0]);
  });
});

describe('frame strips', () => {
  it('sizes frames by the display aspect, and takes one from each equal part, a keyframe where there is one', () => {
    expect(stripWidth({ width: 1920, height: 1080 }, 10, 90)).toEqual({ frameWidth: 160, width: 1600 });
    expect(stripWidth({ width: 1080, height: 1920 }, 3, 64)).toEqual({ frameWidth: 36, width: 108 });
    expect(stripTimes(4000, 4, 40)).toEqual([500, 1500, 2500, 3500]);
    // Never past the last frame.
    expect(stripTimes(100, 1, 40)).toEqual([50]);
    expect(stripTimes(60, 1, 40)).toEqual([20]);
    // A keyframe inside a part stands for it (one frame to decode); a part without one keeps its middle.
    expect(stripTimes(4000, 4, 40, [0, 1100, 1400, 3999])).toEqual([0, 1400, 2500, 3960]);
  });

  it('takes only sensible counts and heights in the URL', () => {
    const id = '0123456789abcdefghijklmnop';
    const parse = (query: string) => parseMediaPath(`/media/${id}/frames`, new URLSearchParams(query));
    expect(parse('count=12&height=60')).toEqual({ ok: true, clipId: id, request: { variant: 'frames', count: 12, height: 60 }, download: false });
    for (const query of ['count=0&height=60', 'count=121&height=60', 'count=12&height=481', 'count=1.5&height=60', 'count=twelve&height=60', 'count=12']) {
      expect(parse(query)).toMatchObject({ ok: false, reason: expect.stringMatching(/^no such media: /) });
    }
  });
});

describe('PromiseCache', () => {
  it('shares one computation per key, forgets the least recently used, and retries failures', async () => {
    const cache = new PromiseCache<string>(2);
    let runs = 0;
    const compute = (value: string) => () => {
      runs += 1;
      return Promise.resolve(value);
    };
    const [a1, a2] = await Promise.all([cache.get('a', compute('A')), cache.get('a', compute('other'))]);
    expect([a1, a2, runs]).toEqual(['A', 'A', 1]);
    await cache.get('b', compute('B'));
    await cache.get('a', compute('again')); // a is now the most recent
    await cache.get('c', compute('C')); // b goes
    expect(await cache.get('b', compute('B2'))).toBe('B2');
    expect(cache.size).toBe(2);
    await expect(cache.get('x', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('x', compute('X'))).toBe('X');
  });
});

describe('Limiter', () => {
  it('runs at most its limit at once, in the order asked, and goes on after a failure', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (n: number, fail = false) => () =>
      new Promise<number>((resolve, reject) => {
        running += 1;
        most = Math.max(most, running);
        setTimeout(() => {
          running -= 1;
          order.push(n);
          if (fail) reject(new Error(`task ${n}`));
          else resolve(n);
        }, 5);
      });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => limiter.run(task(n, n === 2))));
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });
});
