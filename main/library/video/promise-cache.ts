/**
 * A small least-recently-used cache of computed values (frame strips, waveforms, keyframe lists).
 * Holds the promise, so callers asking for the same key at once share one computation; a failed
 * computation is not kept, so the next caller tries again.
 */
export class PromiseCache<T> {
  readonly #entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const cached = this.#entries.get(key);
    if (cached) {
      // Re-inserting moves the key to the most recently used end.
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const pending = compute();
    this.#entries.set(key, pending);
    pending.catch(() => {
      if (this.#entries.get(key) === pending) this.#entries.delete(key);
    });
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    return pending;
  }

  get size(): number {
    return this.#entries.size;
  }
}
