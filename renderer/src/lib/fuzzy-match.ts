// Matching what a person types in the command palette against command titles: the letters in
// order, anywhere ("shks" finds "Show keyboard shortcuts"), ranked so that matches at word starts
// and runs of adjacent letters come first.

export interface FuzzyMatch {
  score: number;
  /** Positions in the text of the matched characters, ascending. */
  positions: number[];
}

const WORD_START_BONUS = 8;
const ADJACENT_BONUS = 5;
const FIRST_CHARACTER_BONUS = 4;
const GAP_PENALTY = 1;
/** The whole query as one run of letters: what was typed is a word or the start of one. */
const ONE_RUN_BONUS = 10;

/** Null when the query's characters do not all appear in order; spaces in the query are ignored. */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const wanted = query.toLowerCase().replace(/\s+/g, '');
  if (wanted === '') return { score: 0, positions: [] };
  const haystack = text.toLowerCase();
  // Greedy from the left would miss better word-start matches later on ("tab" in "the tab"):
  // try each place the first character occurs and keep the best.
  let best: FuzzyMatch | null = null;
  for (let start = haystack.indexOf(wanted[0]!); start !== -1; start = haystack.indexOf(wanted[0]!, start + 1)) {
    const match = matchFrom(wanted, haystack, start);
    if (match && (!best || match.score > best.score)) best = match;
  }
  return best;
}

function matchFrom(wanted: string, haystack: string, start: number): FuzzyMatch | null {
  const positions = [start];
  let score = isWordStart(haystack, start) ? WORD_START_BONUS : 0;
  if (start === 0) score += FIRST_CHARACTER_BONUS;
  for (let index = 1; index < wanted.length; index++) {
    const character = wanted[index]!;
    const previous = positions.at(-1)!;
    const plain = haystack.indexOf(character, previous + 1);
    if (plain === -1) return null;
    // A run of adjacent letters stays a run; otherwise a later word start holding the letter is
    // what the person meant, as long as the rest of the query still fits after it.
    const wordStart = plain === previous + 1 ? -1 : nextWordStart(haystack, character, plain);
    const position = wordStart !== -1 && isSubsequence(wanted.slice(index + 1), haystack, wordStart + 1) ? wordStart : plain;
    if (isWordStart(haystack, position)) score += WORD_START_BONUS;
    if (position === previous + 1) score += ADJACENT_BONUS;
    else score -= Math.min(position - previous - 1, 10) * GAP_PENALTY;
    positions.push(position);
  }
  if (positions.at(-1)! - start === positions.length - 1) score += ONE_RUN_BONUS;
  // Shorter texts matching the same letters are closer to what was meant.
  return { score: score - haystack.length / 100, positions };
}

function isSubsequence(wanted: string, haystack: string, from: number): boolean {
  let at = from;
  for (const character of wanted) {
    at = haystack.indexOf(character, at);
    if (at === -1) return false;
    at += 1;
  }
  return true;
}

function nextWordStart(haystack: string, character: string, from: number): number {
  for (let position = haystack.indexOf(character, from); position !== -1; position = haystack.indexOf(character, position + 1)) {
    if (isWordStart(haystack, position)) return position;
  }
  return -1;
}

function isWordStart(text: string, position: number): boolean {
  return position === 0 || /[\s\-_.:/(]/.test(text[position - 1]!);
}

/** The text cut into runs, each marked as matched or not, for showing the match. */
export function splitByMatch(text: string, positions: readonly number[]): { text: string; matched: boolean }[] {
  const matched = new Set(positions);
  const parts: { text: string; matched: boolean }[] = [];
  for (let index = 0; index < text.length; index++) {
    const isMatched = matched.has(index);
    const last = parts.at(-1);
    if (last && last.matched === isMatched) last.text += text[index];
    else parts.push({ text: text[index]!, matched: isMatched });
  }
  return parts;
}
