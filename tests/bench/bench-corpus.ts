import { createZipfCorpus, type ZipfCorpus } from './zipf-corpus.js';

const SEED = 42;
const SEARCH_QUERIES = 500;

/** The library benchmark's corpus; every process of one run draws the same one. */
export function createBenchCorpus(): ZipfCorpus {
  return createZipfCorpus({ seed: SEED });
}

/** The one- and two-word queries that both the library and the bare baseline answer. */
export function benchQueries(): string[] {
  const corpus = createBenchCorpus();
  return Array.from({ length: SEARCH_QUERIES }, (_, i) => corpus.query(i));
}
