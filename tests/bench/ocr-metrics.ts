// Error rates for recognised text that do not depend on reading order between lines: a UI's
// sidebar may be read before or after its content, and tesseract (blocks) and PP-OCR (rows) order
// lines differently. Each known line is matched, longest first, to its best-aligned stretch of any
// recognised line (that stretch is then used up); what is left unmatched on either side counts as
// deleted or inserted. Within a line order counts, spaces included: "Hello,world" is an error.
// (A simplified form of Clausner et al.'s flexible character accuracy.)

export interface ErrorCount {
  readonly errors: number;
  /** Length of the known text, in the unit counted (characters or words). */
  readonly total: number;
}

export function normaliseLine(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

export function characterErrors(known: readonly string[], recognised: readonly string[]): ErrorCount {
  const split = (lines: readonly string[]) => lines.map(normaliseLine).filter((line) => line !== '').map((line) => Array.from(line));
  return flexibleErrors(split(known), split(recognised), (token) => token === ' ');
}

export function wordErrors(known: readonly string[], recognised: readonly string[]): ErrorCount {
  const split = (lines: readonly string[]) => lines.map(normaliseLine).filter((line) => line !== '').map((line) => line.split(' '));
  return flexibleErrors(split(known), split(recognised), () => false);
}

function flexibleErrors(known: string[][], recognised: string[][], isSeparator: (token: string) => boolean): ErrorCount {
  const total = known.reduce((sum, line) => sum + line.length, 0);
  let pieces = recognised.map((line) => trim(line, isSeparator)).filter((line) => line.length > 0);
  let errors = 0;
  for (const line of [...known].sort((a, b) => b.length - a.length)) {
    let best = { distance: line.length, piece: -1, start: 0, end: 0 };
    pieces.forEach((piece, index) => {
      const match = bestSubstring(line, piece);
      if (match.distance < best.distance) best = { ...match, piece: index };
    });
    errors += best.distance;
    if (best.piece < 0) continue;
    const piece = pieces[best.piece]!;
    const rest = [trim(piece.slice(0, best.start), isSeparator), trim(piece.slice(best.end), isSeparator)].filter((part) => part.length > 0);
    pieces = [...pieces.slice(0, best.piece), ...rest, ...pieces.slice(best.piece + 1)];
  }
  for (const piece of pieces) errors += piece.length;
  return { errors, total };
}

function trim(tokens: string[], isSeparator: (token: string) => boolean): string[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && isSeparator(tokens[start]!)) start++;
  while (end > start && isSeparator(tokens[end - 1]!)) end--;
  return tokens.slice(start, end);
}

/** The edit distance from `pattern` to its best-matching stretch of `text`, and where that stretch is. */
function bestSubstring(pattern: readonly string[], text: readonly string[]): { distance: number; start: number; end: number } {
  const n = text.length;
  let distance = new Int32Array(n + 1);
  let start = Int32Array.from({ length: n + 1 }, (_, j) => j);
  let nextDistance = new Int32Array(n + 1);
  let nextStart = new Int32Array(n + 1);
  for (let i = 1; i <= pattern.length; i++) {
    nextDistance[0] = i;
    nextStart[0] = 0;
    const token = pattern[i - 1];
    for (let j = 1; j <= n; j++) {
      const diagonal = distance[j - 1]! + (text[j - 1] === token ? 0 : 1);
      const up = distance[j]! + 1;
      const left = nextDistance[j - 1]! + 1;
      if (diagonal <= up && diagonal <= left) {
        nextDistance[j] = diagonal;
        nextStart[j] = start[j - 1]!;
      } else if (up <= left) {
        nextDistance[j] = up;
        nextStart[j] = start[j]!;
      } else {
        nextDistance[j] = left;
        nextStart[j] = nextStart[j - 1]!;
      }
    }
    [distance, nextDistance] = [nextDistance, distance];
    [start, nextStart] = [nextStart, start];
  }
  let best = { distance: pattern.length, start: 0, end: 0 };
  for (let j = 1; j <= n; j++) {
    if (distance[j]! < best.distance) best = { distance: distance[j]!, start: start[j]!, end: j };
  }
  return best;
}
