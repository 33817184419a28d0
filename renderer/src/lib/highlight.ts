import { foldWord, wordsOf } from './search-words.js';

export interface TextPart {
  text: string;
  match: boolean;
}

/**
 * Splits `text` into parts, marking the start of every word that begins with one of `tokens`
 * (folded search words, longest first). Rendered as text nodes, never as HTML.
 */
export function highlightParts(text: string, tokens: readonly string[]): TextPart[] {
  if (tokens.length === 0 || text.length === 0) return [{ text, match: false }];
  const parts: TextPart[] = [];
  let plainStart = 0;
  for (const word of wordsOf(text)) {
    const start = word.index ?? 0;
    const matchedLength = prefixMatchLength(word[0], tokens);
    if (matchedLength === 0) continue;
    if (start > plainStart) parts.push({ text: text.slice(plainStart, start), match: false });
    parts.push({ text: text.slice(start, start + matchedLength), match: true });
    plainStart = start + matchedLength;
  }
  if (plainStart < text.length) parts.push({ text: text.slice(plainStart), match: false });
  return parts;
}

/** How many characters of `word` the longest matching token covers (0: none matches). */
function prefixMatchLength(word: string, tokens: readonly string[]): number {
  const folded = foldWord(word);
  const token = tokens.find((candidate) => folded.startsWith(candidate));
  if (token === undefined) return 0;
  if (folded.length === word.length) return token.length;
  // Folding changed the length (accents, ligatures): find the shortest prefix of the original that folds to the token.
  for (let length = 1; length <= word.length; length++) {
    if (foldWord(word.slice(0, length)).length < token.length) continue;
    // Accents written as separate combining marks belong to the letter before them.
    while (length < word.length && /\p{M}/u.test(word.charAt(length))) length++;
    return length;
  }
  return word.length;
}
