// The rows of a long result list, fetched page by page (by offset) as a virtualised grid needs
// them. Knows nothing of Vue: the owner passes a reactive Map to be told when pages land.

export interface CachedPage<T> {
  readonly items: readonly T[];
  /** The cache generation the page was fetched in; older pages are shown but refetched when needed. */
  readonly generation: number;
}

export interface PageCacheOptions<T> {
  pageSize: number;
  /** Pages kept beyond the ones in view; the least recently wanted go first. */
  maxPages: number;
  fetchPage(offset: number, limit: number): Promise<T[]>;
  onError(error: unknown): void;
  storage?: Map<number, CachedPage<T>>;
}

/** After a failed fetch, the same page is not asked for again for this long. */
const RETRY_AFTER_MS = 2_000;

export class PageCache<T> {
  readonly pageSize: number;
  readonly #options: PageCacheOptions<T>;
  readonly #pages: Map<number, CachedPage<T>>;
  readonly #inFlight = new Map<number, Promise<void>>();
  readonly #lastWanted = new Map<number, number>();
  readonly #failedAt = new Map<number, number>();
  #generation = 0;
  #wantCounter = 0;

  constructor(options: PageCacheOptions<T>) {
    this.#options = options;
    this.pageSize = options.pageSize;
    this.#pages = options.storage ?? new Map();
  }

  get generation(): number {
    return this.#generation;
  }

  /** The item at `index` if its page is here (possibly from before the last invalidate). */
  itemAt(index: number): T | undefined {
    return this.#pages.get(this.#pageOf(index))?.items[index % this.pageSize];
  }

  /** Whether the page holding `index` was fetched since the last reset or invalidate. */
  isFresh(index: number): boolean {
    return this.#pages.get(this.#pageOf(index))?.generation === this.#generation;
  }

  /** Where `matches` finds an item among the pages fetched since the last reset or invalidate, or null. */
  findIndex(matches: (item: T) => boolean): number | null {
    for (const [page, cached] of this.#pages) {
      if (cached.generation !== this.#generation) continue;
      const at = cached.items.findIndex(matches);
      if (at !== -1) return page * this.pageSize + at;
    }
    return null;
  }

  /** Fetches every missing or stale page from `first` to `last` (indexes, inclusive). */
  ensure(first: number, last: number): Promise<void> {
    const loads: Promise<void>[] = [];
    for (let page = this.#pageOf(Math.max(0, first)); page <= this.#pageOf(Math.max(0, last)); page++) {
      this.#lastWanted.set(page, ++this.#wantCounter);
      loads.push(this.#load(page));
    }
    return Promise.all(loads).then(() => undefined);
  }

  /** The item at `index`, fetching its page if needed (undefined past the end of the list). */
  async fetchItem(index: number): Promise<T | undefined> {
    await this.ensure(index, index);
    return this.itemAt(index);
  }

  /** Forgets everything: the list is a different one (another query). Late answers are ignored. */
  reset(): void {
    this.#generation++;
    this.#pages.clear();
    this.#inFlight.clear();
    this.#lastWanted.clear();
    this.#failedAt.clear();
  }

  /** The same list may have changed: keep showing what is here, but refetch pages when wanted. */
  invalidate(): void {
    this.#generation++;
    this.#inFlight.clear();
    this.#failedAt.clear();
  }

  #pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  #load(page: number): Promise<void> {
    if (this.#pages.get(page)?.generation === this.#generation) return Promise.resolve();
    const pending = this.#inFlight.get(page);
    if (pending) return pending;
    const failedAt = this.#failedAt.get(page);
    if (failedAt !== undefined && Date.now() - failedAt < RETRY_AFTER_MS) return Promise.resolve();

    const generation = this.#generation;
    const load = this.#options.fetchPage(page * this.pageSize, this.pageSize).then(
      (items) => {
        if (generation !== this.#generation) return;
        this.#inFlight.delete(page);
        this.#failedAt.delete(page);
        this.#pages.set(page, { items: Object.freeze(items), generation });
        this.#evict();
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        this.#inFlight.delete(page);
        this.#failedAt.set(page, Date.now());
        this.#options.onError(error);
      },
    );
    this.#inFlight.set(page, load);
    return load;
  }

  #evict(): void {
    if (this.#pages.size <= this.#options.maxPages) return;
    const leastRecentFirst = [...this.#pages.keys()].sort((a, b) => (this.#lastWanted.get(a) ?? 0) - (this.#lastWanted.get(b) ?? 0));
    for (const page of leastRecentFirst.slice(0, this.#pages.size - this.#options.maxPages)) {
      this.#pages.delete(page);
      this.#lastWanted.delete(page);
    }
  }
}
