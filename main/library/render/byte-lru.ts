/** A small cache of buffers that keeps the most recently used within a byte budget. */
export class ByteLru {
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;

  constructor(private readonly budget: number) {}

  get(key: string): Buffer | undefined {
    const value = this.#entries.get(key);
    if (value) {
      // Re-inserted: a Map iterates in insertion order, so the front is the least recently used.
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Buffer): void {
    const previous = this.#entries.get(key);
    if (previous) {
      this.#bytes -= previous.length;
      this.#entries.delete(key);
    }
    if (value.length > this.budget) return;
    this.#entries.set(key, value);
    this.#bytes += value.length;
    for (const [oldest, buffer] of this.#entries) {
      if (this.#bytes <= this.budget) break;
      this.#entries.delete(oldest);
      this.#bytes -= buffer.length;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
