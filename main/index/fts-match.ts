import { InvalidQueryError } from './errors.js';

// What the unicode61 tokenizer keeps as token characters by default (categories L*, N*, Co).
const TOKEN_CHARACTER = /[\p{L}\p{N}\p{Co}]/u;
const MAX_WORDS = 32;

/** Whether text holds at least one word the full-text index would store. */
export function hasSearchableWords(text: string): boolean {
  return TOKEN_CHARACTER.test(text);
}

/**
 * Turns what a person typed into an FTS5 MATCH expression that cannot be misread as query
 * syntax: every word is quoted (so AND, NEAR, column filters and quotes are just text), the words
 * are ANDed, and a trailing `*` asks for a prefix match.
 */
export function toFtsMatch(text: string): string {
  const phrases: string[] = [];
  for (const raw of text.split(/\s+/u)) {
    const word = raw.replace(/\*+$/u, '');
    if (!hasSearchableWords(word)) continue;
    const prefix = word.length < raw.length ? '*' : '';
    phrases.push(`"${word.replaceAll('"', '""')}"${prefix}`);
  }
  if (phrases.length === 0) throw new InvalidQueryError('the search has no words to look for');
  if (phrases.length > MAX_WORDS) throw new InvalidQueryError(`the search has more than ${MAX_WORDS} words`);
  return phrases.join(' ');
}
