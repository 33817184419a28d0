// Lets only a few slow things (thumbnail downloads) run at once. A grid scrolled quickly mounts
// and unmounts hundreds of cards; a card that is gone before its turn never starts its request.

export type Release = () => void;

export class RequestQueue {
  readonly #limit: number;
  readonly #waiting = new Set<(release: Release) => void>();
  #running = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  /** Calls `start` when a slot is free; it must call the release it is given once done. Returns a cancel function. */
  request(start: (release: Release) => void): () => void {
    this.#waiting.add(start);
    this.#pump();
    return () => {
      this.#waiting.delete(start);
    };
  }

  #pump(): void {
    for (const start of this.#waiting) {
      if (this.#running >= this.#limit) return;
      this.#waiting.delete(start);
      this.#running++;
      let released = false;
      start(() => {
        if (released) return;
        released = true;
        this.#running--;
        this.#pump();
      });
    }
  }
}
