import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../security/atomic-file.js';
import { PluginError } from './plugin-error.js';

export const STORAGE_FILE = 'storage.json';

/**
 * A plugin's key-value store: one JSON file in its data folder, read once, written whole and
 * atomically after every change (a crash keeps the old file or the new one), capped in size.
 * Writes are queued so they land in the order they were made.
 */
export class PluginStorage {
  #values: Map<string, unknown> | null = null;
  #writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly maxBytes: number,
  ) {}

  get file(): string {
    return path.join(this.dataDir, STORAGE_FILE);
  }

  async get(key: string): Promise<unknown> {
    const values = await this.#load();
    return values.has(key) ? structuredClone(values.get(key)) : null;
  }

  /** `undefined` or `null` removes the key. */
  async set(key: string, value: unknown): Promise<void> {
    const values = await this.#load();
    const next = new Map(values);
    if (value === undefined || value === null) next.delete(key);
    else next.set(key, jsonValue(key, value));
    const text = JSON.stringify(Object.fromEntries(next));
    const size = Buffer.byteLength(text);
    if (size > this.maxBytes) throw new PluginError('invalid-params', `storage.set: the plugin's storage would hold ${size} bytes, over its ${this.maxBytes}-byte limit`);
    this.#values = next;
    const write = this.#writes.then(async () => {
      await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, text);
    });
    this.#writes = write.catch(() => undefined);
    await write;
  }

  async #load(): Promise<Map<string, unknown>> {
    if (this.#values) return this.#values;
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      text = '{}';
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PluginError('host-error', `the plugin's storage file ${this.file} is not valid JSON; it was left as it is`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new PluginError('host-error', `the plugin's storage file ${this.file} does not hold an object`);
    this.#values ??= new Map(Object.entries(parsed));
    return this.#values;
  }
}

/** Only what survives JSON (no functions, no NaN, no bytes); refused in words otherwise. */
function jsonValue(key: string, value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new PluginError('invalid-params', `storage.set("${key}"): the value is not JSON (${(error as Error).message})`);
  }
  if (text === undefined) throw new PluginError('invalid-params', `storage.set("${key}"): the value is not JSON`);
  return JSON.parse(text);
}
