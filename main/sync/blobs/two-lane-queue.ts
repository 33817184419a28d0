/**
 * First in, first out, in two lanes: everything in the urgent lane goes before the other.
 * Arrays with a moving head, so that tens of thousands of entries cost O(1) each.
 */
export class TwoLaneQueue<T> {
  readonly #lanes: [Lane<T>, Lane<T>] = [new Lane<T>(), new Lane<T>()];

  get size(): number {
    return this.#lanes[0].size + this.#lanes[1].size;
  }

  push(item: T, urgent: boolean, front = false): void {
    this.#lanes[urgent ? 0 : 1].push(item, front);
  }

  shift(): T | undefined {
    return this.#lanes[0].size > 0 ? this.#lanes[0].shift() : this.#lanes[1].shift();
  }

  clear(): void {
    for (const lane of this.#lanes) lane.clear();
  }
}

class Lane<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T, front: boolean): void {
    if (!front) this.#items.push(item);
    else if (this.#head > 0) this.#items[--this.#head] = item;
    else this.#items.unshift(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head]!;
    this.#head += 1;
    // Drop the consumed front once it is most of the array.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
