import type { PluginLogEntry } from '../../../contract/plugins.js';

/** The last `capacity` lines of one plugin's log: what the panel and `clipshot plugin logs` show. */
export class PluginLogRing {
  readonly #entries: PluginLogEntry[] = [];
  #start = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`a plugin log keeps at least one line, not ${capacity}`);
  }

  push(entry: PluginLogEntry): void {
    if (this.#entries.length < this.capacity) {
      this.#entries.push(entry);
      return;
    }
    this.#entries[this.#start] = entry;
    this.#start = (this.#start + 1) % this.capacity;
  }

  /** Oldest first. */
  entries(): PluginLogEntry[] {
    return [...this.#entries.slice(this.#start), ...this.#entries.slice(0, this.#start)];
  }
}
