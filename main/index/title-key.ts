// Title order compares this key with SQLite's BINARY collation (code point order), not the title
// itself: NOCASE folds only ASCII, so "Émile" would sort after "zebra" and "Ärger" apart from
// "ärger". The key folds case in every script and drops accents, so "Éclair", "eclair" and "ECLAIR"
// sort together, next to "echo". Change it only with a new index schema version: rows and cursors
// hold keys made by this function.

/** Cursors carry the key (base64url), and the API caps a cursor at 200 characters. */
export const MAX_TITLE_KEY_BYTES = 96;

export function titleSortKey(title: string): string {
  const folded = title.normalize('NFKD').toLowerCase().replace(/\p{Mn}/gu, '').replace(/\s+/gu, ' ').trim();
  return truncateUtf8(folded, MAX_TITLE_KEY_BYTES);
}

/** The longest prefix of whole code points that fits in maxBytes of UTF-8. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
