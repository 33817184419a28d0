/**
 * Reads what `ffmpeg -progress pipe:1` writes: blocks of key=value lines, each ending with
 * `progress=continue` (or `progress=end`). Reports how far the output has got, in ms.
 */
export class FfmpegProgressReader {
  #pending = '';
  #outTimeMs: number | null = null;

  constructor(private readonly onProgress: (outTimeMs: number, ended: boolean) => void) {}

  add(chunk: Buffer | string): void {
    const lines = (this.#pending + chunk.toString()).split('\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.#line(line.trim());
  }

  #line(line: string): void {
    const equals = line.indexOf('=');
    if (equals < 0) return;
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    // out_time_ms is in microseconds too (an old ffmpeg mistake kept for compatibility).
    if (key === 'out_time_us' || key === 'out_time_ms') {
      const micros = Number(value);
      if (Number.isFinite(micros) && micros >= 0) this.#outTimeMs = micros / 1000;
    } else if (key === 'out_time' && this.#outTimeMs === null) {
      this.#outTimeMs = parseClockTime(value);
    } else if (key === 'progress') {
      this.onProgress(this.#outTimeMs ?? 0, value === 'end');
      this.#outTimeMs = null;
    }
  }
}

/** "00:01:02.500000" → 62500; null for anything else ("N/A", a negative time before the first frame). */
function parseClockTime(value: string): number | null {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!match) return null;
  return (Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000;
}

/** A pass's output time as a share of the whole export (0..1), never going backwards past `from`. */
export function progressFraction(outTimeMs: number, durationMs: number, from: number, to: number): number {
  const share = durationMs > 0 ? Math.min(1, Math.max(0, outTimeMs / durationMs)) : 0;
  return from + (to - from) * share;
}
