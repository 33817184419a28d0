import { describe, expect, it } from 'vitest';
import { createZipfCorpus } from '../../bench/zipf-corpus.js';

describe('createZipfCorpus (benchmark text)', () => {
  it('makes unique pronounceable words, the same ones for the same seed', () => {
    const corpus = createZipfCorpus({ seed: 7, vocabularySize: 5000 });
    expect(corpus.words).toHaveLength(5000);
    expect(new Set(corpus.words).size).toBe(5000);
    expect(corpus.words.every((word) => /^[a-z]+$/.test(word) && /[aeiou]/.test(word))).toBe(true);
    expect(createZipfCorpus({ seed: 7, vocabularySize: 5000 }).clipText(3)).toBe(corpus.clipText(3));
    expect(createZipfCorpus({ seed: 8, vocabularySize: 5000 }).clipText(3)).not.toBe(corpus.clipText(3));
  });

  it('writes 10–70 words per clip and one or two per query, from the vocabulary', () => {
    const corpus = createZipfCorpus({ seed: 1 });
    const vocabulary = new Set(corpus.words);
    for (let i = 0; i < 300; i++) {
      const words = corpus.clipText(i).split(' ');
      expect(words.length).toBeGreaterThanOrEqual(10);
      expect(words.length).toBeLessThanOrEqual(70);
      expect(words.every((word) => vocabulary.has(word))).toBe(true);
      expect([1, 2]).toContain(corpus.query(i).split(' ').length);
    }
  });

  it('draws words by Zipf: the commonest word is in most clips, a mid-rank word in few', () => {
    const corpus = createZipfCorpus({ seed: 3 });
    const texts = Array.from({ length: 1000 }, (_, i) => new Set(corpus.clipText(i).split(' ')));
    const share = (word: string) => texts.filter((words) => words.has(word)).length / texts.length;
    expect(share(corpus.words[0]!)).toBeGreaterThan(0.9);
    expect(share(corpus.words[1000]!)).toBeLessThan(0.05);
  });
});
