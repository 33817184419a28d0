/**
 * Things let go of that stay kept a little longer: at most `max` of them (the oldest go first
 * beyond that), none for longer than `ms`. `expire` is called once for each that goes, unless
 * `take` claimed it back first.
 */
export class Lingering<K, V> {
  readonly #entries = new Map<K, { value: V; until: number }>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly max: number,
    private readonly ms: number,
    private readonly expire: (key: K, value: V) => void,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  add(key: K, value: V): void {
    const previous = this.#entries.get(key);
    this.#entries.delete(key);
    if (previous) this.expire(key, previous.value);
    this.#entries.set(key, { value, until: Date.now() + this.ms });
    // Insertion order is age order: the first entries are the oldest.
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.max) break;
      this.#entries.delete(oldest);
      this.expire(oldest, entry.value);
    }
    this.#schedule();
  }

  /** Removes the key without expiring it; whether it was there. */
  take(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Expires everything now. */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const entries = [...this.#entries];
    this.#entries.clear();
    for (const [key, { value }] of entries) this.expire(key, value);
  }

  #schedule(): void {
    if (this.#timer) return;
    const first = this.#entries.values().next();
    if (first.done) return;
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, first.value.until - Date.now()));
    this.#timer.unref();
  }

  #sweep(): void {
    this.#timer = null;
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.until > now) break;
      this.#entries.delete(key);
      this.expire(key, entry.value);
    }
    this.#schedule();
  }
}
