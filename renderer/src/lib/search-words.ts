// What counts as a word in a search, mirroring the core's full-text tokenizer (unicode61: letters,
// numbers and private-use characters; diacritics removed, case folded). Combining marks stay with
// the letter they follow.

const TOKEN = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu;
const TOKEN_CHARACTER = /[\p{L}\p{N}\p{Co}]/u;

/** Case- and accent-insensitive form of a word, as the index compares them. */
export function foldWord(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

/** Whether the core would find any word to look for in `text` (it rejects searches without one). */
export function hasSearchableWords(text: string): boolean {
  return TOKEN_CHARACTER.test(text);
}

/** The distinct folded words of a search, longest first (so the longest prefix wins when highlighting). */
export function searchTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const match of text.matchAll(TOKEN)) {
    const folded = foldWord(match[0]);
    if (folded.length > 0) tokens.add(folded);
  }
  return [...tokens].sort((a, b) => b.length - a.length);
}

/** Each word of `text` with where it starts. */
export function wordsOf(text: string): IterableIterator<RegExpMatchArray> {
  return text.matchAll(TOKEN);
}

/**
 * The search as sent to the core: the last word is matched as a prefix (`*`, the core's syntax),
 * since with instant search it is usually the word still being typed.
 */
export function instantSearchText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed || trimmed.endsWith('*')) return trimmed;
  const lastWord = trimmed.split(/\s+/u).at(-1) ?? '';
  return hasSearchableWords(lastWord) ? `${trimmed}*` : trimmed;
}
