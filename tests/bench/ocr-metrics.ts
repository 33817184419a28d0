// Error rates for recognised text that do not depend on reading order between lines: a UI's
// sidebar may be read before or after its content, and tesseract (blocks) and PP-OCR (rows) order
// lines differently. Each known line is matched, longest first, to its best-aligned stretch of any
// recognised line (that stretch is then used up, and the known line's ends that it left out are
// matched on their own: a line read as two); a stretch that gets less than half right is no match.
// What is left unmatched on either side counts as deleted or inserted. Within a line order counts,
// spaces included: "Hello,world" is an error. (A simplified form of Clausner et al.'s flexible
// character accuracy.)

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
  // Known lines, and the parts of them left over when only part matched (a line read as two).
  const pending = known.map((line) => trim(line, isSeparator)).filter((line) => line.length > 0);
  let errors = 0;
  while (pending.length > 0) {
    pending.sort((a, b) => b.length - a.length);
    const line = pending.shift()!;
    let best = { distance: Infinity, piece: -1 };
    pieces.forEach((piece, index) => {
      const distance = bestSubstringDistance(line, piece);
      if (distance < best.distance) best = { distance, piece: index };
    });
    const match = best.piece < 0 ? null : alignSubstring(line, pieces[best.piece]!);
    // A stretch that gets less than half of its part of the line right is no match: it may be
    // another line's, and a line longest-first would otherwise take it.
    const aligned = line.length - (match?.lead ?? 0) - (match?.trail ?? 0);
    if (!match || aligned <= 0 || match.distance - match.lead - match.trail > aligned / 2) {
      errors += line.length;
      continue;
    }
    // The known line's start and end that the stretch left out are matched on their own later.
    errors += match.distance - match.lead - match.trail;
    for (const rest of [line.slice(0, match.lead), line.slice(line.length - match.trail)]) {
      const trimmed = trim(rest, isSeparator);
      if (trimmed.length > 0) pending.push(trimmed);
    }
    const piece = pieces[best.piece]!;
    const rest = [trim(piece.slice(0, match.start), isSeparator), trim(piece.slice(match.end), isSeparator)].filter((part) => part.length > 0);
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

/** The edit distance from `pattern` to its best-matching stretch of `text` (a stretch may be empty). */
function bestSubstringDistance(pattern: readonly string[], text: readonly string[]): number {
  const n = text.length;
  let previous = new Int32Array(n + 1);
  let current = new Int32Array(n + 1);
  for (let i = 1; i <= pattern.length; i++) {
    current[0] = i;
    const token = pattern[i - 1];
    for (let j = 1; j <= n; j++) {
      current[j] = Math.min(previous[j - 1]! + (text[j - 1] === token ? 0 : 1), previous[j]! + 1, current[j - 1]! + 1);
    }
    [previous, current] = [current, previous];
  }
  return Math.min(...previous);
}

/**
 * The best stretch [start, end) of `text` for `pattern`, its edit distance, and how many of the
 * pattern's first (`lead`) and last (`trail`) tokens the alignment deletes outright.
 */
function alignSubstring(pattern: readonly string[], text: readonly string[]): { distance: number; start: number; end: number; lead: number; trail: number } {
  const m = pattern.length;
  const n = text.length;
  const width = n + 1;
  const table = new Int32Array((m + 1) * width);
  for (let i = 1; i <= m; i++) {
    table[i * width] = i;
    for (let j = 1; j <= n; j++) {
      const diagonal = table[(i - 1) * width + j - 1]! + (text[j - 1] === pattern[i - 1] ? 0 : 1);
      table[i * width + j] = Math.min(diagonal, table[(i - 1) * width + j]! + 1, table[i * width + j - 1]! + 1);
    }
  }
  let end = 0;
  for (let j = 1; j <= n; j++) if (table[m * width + j]! < table[m * width + end]!) end = j;
  const distance = table[m * width + end]!;
  // Walk back, preferring a match or substitution, so deletions gather at the pattern's ends.
  const moves: ('diagonal' | 'up' | 'left')[] = [];
  let i = m;
  let j = end;
  while (i > 0) {
    const here = table[i * width + j]!;
    if (j > 0 && here === table[(i - 1) * width + j - 1]! + (text[j - 1] === pattern[i - 1] ? 0 : 1)) {
      moves.push('diagonal');
      i--;
      j--;
    } else if (here === table[(i - 1) * width + j]! + 1) {
      moves.push('up');
      i--;
    } else {
      moves.push('left');
      j--;
    }
  }
  moves.reverse();
  let lead = 0;
  while (lead < moves.length && moves[lead] === 'up') lead++;
  let trail = 0;
  while (trail < moves.length - lead && moves[moves.length - 1 - trail] === 'up') trail++;
  return { distance, start: j, end, lead, trail };
}
