import type { Readable } from 'node:stream';

/** Longest line kept from a plugin's stdout/stderr; the rest of it is dropped. */
const MAX_LINE_CHARS = 4_000;

/** Drains a stream, handing over each line (cut to a bounded length, so output without newlines cannot grow memory). */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    if (partial.length > MAX_LINE_CHARS) {
      onLine(`${partial.slice(0, MAX_LINE_CHARS)}…`);
      partial = '';
    }
    for (const line of lines) if (line.length > 0) onLine(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line);
  });
  stream.on('end', () => {
    if (partial.length > 0) onLine(partial);
  });
  stream.on('error', () => undefined);
}
