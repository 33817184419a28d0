// Statistics of a set of texts: words and characters as a reader counts them in any script
// (Intl.Segmenter: words by the language's rules, characters as grapheme clusters, so "é" and an
// emoji count once), lines, the most used words and the longest text.

const WORDS = new Intl.Segmenter(undefined, { granularity: 'word' });
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Words people read per minute, for a reading time. */
const READING_SPEED = 230;
const TOP_WORDS = 10;
/** Shorter words (a, of, the…) say little about what the texts are about. */
const MIN_TOP_WORD_CHARS = 4;

export function textStatistics(text) {
  let words = 0;
  for (const segment of WORDS.segment(text)) if (segment.isWordLike) words++;
  const characters = Array.from(GRAPHEMES.segment(text)).length;
  const lines = text === '' ? 0 : text.split(/\r\n|\r|\n/).length;
  return { words, characters, lines };
}

/**
 * @param {{ id: string; title: string; text: string }[]} texts
 * @returns the totals, the average words per text, the longest text and the most used words
 */
export function collectionStatistics(texts) {
  const counts = new Map();
  const totals = { clips: texts.length, words: 0, characters: 0, lines: 0 };
  let longest = null;
  for (const { id, title, text } of texts) {
    const stats = textStatistics(text);
    totals.words += stats.words;
    totals.characters += stats.characters;
    totals.lines += stats.lines;
    if (longest === null || stats.words > longest.words) longest = { id, title, words: stats.words };
    for (const segment of WORDS.segment(text)) {
      if (!segment.isWordLike) continue;
      const word = segment.segment.toLocaleLowerCase();
      if ([...word].length >= MIN_TOP_WORD_CHARS) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const topWords = [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, TOP_WORDS)
    .map(([word, count]) => ({ word, count }));
  return {
    ...totals,
    averageWords: texts.length === 0 ? 0 : Math.round((totals.words / texts.length) * 10) / 10,
    readingMinutes: Math.ceil(totals.words / READING_SPEED),
    longest,
    topWords,
  };
}
