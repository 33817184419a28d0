// Deterministic synthetic text for benchmarks: pronounceable words whose frequencies follow Zipf's
// law, as in real language, so that some query words occur in most clips and most in very few.

export interface ZipfCorpusOptions {
  vocabularySize?: number;
  seed: number;
  /** Zipf exponent: the word of rank r is drawn with weight 1 / r^exponent. */
  exponent?: number;
}

export interface ZipfCorpus {
  /** Unique words, most frequent first. */
  words: string[];
  /** 10–70 words. */
  clipText(i: number): string;
  /** 2–5 words. */
  title(i: number): string;
  /** One or two words drawn from the same distribution as the text. */
  query(i: number): string;
}

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'z', 'br', 'ch', 'cl', 'dr', 'fl', 'gr', 'pl', 'pr', 'sh', 'st', 'th', 'tr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ee', 'ia', 'oo', 'ou'];
const CODAS = ['', '', '', 'n', 'r', 's', 'l', 't', 'm', 'nd', 'st', 'ck'];

const Stream = { vocabulary: 1, text: 2, title: 3, query: 4 } as const;
type Stream = (typeof Stream)[keyof typeof Stream];

export function createZipfCorpus({ vocabularySize = 20_000, seed, exponent = 1 }: ZipfCorpusOptions): ZipfCorpus {
  const words = buildVocabulary(vocabularySize, seed);
  const cumulative = new Float64Array(vocabularySize);
  let total = 0;
  for (let rank = 0; rank < vocabularySize; rank++) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  const drawWord = (random: () => number): string => words[searchCumulative(cumulative, random() * total)]!;
  const drawWords = (random: () => number, count: number): string => Array.from({ length: count }, () => drawWord(random)).join(' ');

  return {
    words,
    clipText(i) {
      const random = seededRandom(seed, Stream.text, i);
      return drawWords(random, 10 + Math.floor(random() * 61));
    },
    title(i) {
      const random = seededRandom(seed, Stream.title, i);
      return drawWords(random, 2 + Math.floor(random() * 4));
    },
    query(i) {
      const random = seededRandom(seed, Stream.query, i);
      return drawWords(random, random() < 0.5 ? 1 : 2);
    },
  };
}

function buildVocabulary(size: number, seed: number): string[] {
  const random = seededRandom(seed, Stream.vocabulary, 0);
  const pick = (parts: string[]) => parts[Math.floor(random() * parts.length)]!;
  const seen = new Set<string>();
  const words: string[] = [];
  while (words.length < size) {
    // Frequent words are short, as in real language; rare ones get longer so they stay unique.
    const rank = words.length;
    const syllables = rank < 150 ? 1 : rank < 3000 ? 2 : 2 + Math.floor(random() * 3);
    let word = '';
    for (let s = 0; s < syllables; s++) word += pick(ONSETS) + pick(VOWELS) + (s === syllables - 1 ? pick(CODAS) : '');
    if (seen.has(word)) continue;
    seen.add(word);
    words.push(word);
  }
  return words;
}

function searchCumulative(cumulative: Float64Array, target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cumulative[middle]! < target) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A small fast PRNG (mulberry32) whose state is mixed from the seed, a stream and an item number. */
function seededRandom(seed: number, stream: Stream, item: number): () => number {
  let state = mix(mix(mix(seed >>> 0) ^ stream) ^ item);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
