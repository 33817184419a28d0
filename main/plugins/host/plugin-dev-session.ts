import fs from 'node:fs';
import path from 'node:path';
import type { PluginManifest } from '../../../contract/plugins.js';
import { readPackageManifest } from '../store/plugin-store.js';
import type { PluginHost } from './plugin-host.js';

export interface PluginDevSessionOptions {
  /** The plugin's folder, as its author edits it. */
  dir: string;
  host: PluginHost;
  /** Where its storage goes while developing. */
  dataDir: string;
  /** Changes closer together than this are one reload (an editor writes a file in several steps). */
  debounceMs?: number;
  onLoad?: (outcome: DevLoadOutcome) => void;
}

export type DevLoadOutcome = { ok: true; manifest: PluginManifest; loads: number } | { ok: false; error: string };

/** Files whose changes are not the plugin's: editors' swap and backup files, version control. */
function isNoise(file: string): boolean {
  const base = path.basename(file);
  return file.split(path.sep).includes('.git') || base.endsWith('.swp') || base.endsWith('~') || base.startsWith('.#');
}

/**
 * Hot reload for plugin authors: watches the folder and, after each burst of changes, checks the
 * manifest and reloads the plugin in the host, handing the running instance's state (what its
 * `deactivate` returns) to the new one. A change that does not load leaves the last good
 * instance's fate to the host (a broken manifest keeps it running; broken code is reported).
 */
export class PluginDevSession {
  readonly #watcher: fs.FSWatcher;
  #timer: NodeJS.Timeout | null = null;
  #loading: Promise<void> | null = null;
  #again = false;
  #loads = 0;
  #closed = false;

  private constructor(private readonly options: PluginDevSessionOptions) {
    this.#watcher = fs.watch(options.dir, { recursive: true }, (_event, file) => {
      if (file !== null && isNoise(String(file))) return;
      this.#schedule();
    });
    this.#watcher.on('error', (error) => options.onLoad?.({ ok: false, error: `watching ${options.dir} failed: ${error.message}` }));
  }

  /** Loads the plugin once, then reloads it on every change until closed. */
  static async start(options: PluginDevSessionOptions): Promise<PluginDevSession> {
    const session = new PluginDevSession(options);
    await session.reload();
    return session;
  }

  get loads(): number {
    return this.#loads;
  }

  /** Reloads now (after a running load, if any); what happened goes to onLoad. */
  reload(): Promise<void> {
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = this.#load().finally(() => {
      this.#loading = null;
      if (this.#again && !this.#closed) {
        this.#again = false;
        void this.reload();
      }
    });
    return this.#loading;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#watcher.close();
  }

  #schedule(): void {
    if (this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.reload();
    }, this.options.debounceMs ?? 150);
  }

  async #load(): Promise<void> {
    const { dir, host, dataDir, onLoad } = this.options;
    let manifest: PluginManifest;
    try {
      // The same checks as an install (parsePluginManifest), so what loads here installs too.
      manifest = await readPackageManifest(dir);
    } catch (error) {
      onLoad?.({ ok: false, error: `not reloaded, the manifest has a problem: ${(error as Error).message}` });
      return;
    }
    try {
      await host.reload({ manifest, dir: path.resolve(dir), dataDir });
      this.#loads++;
      onLoad?.({ ok: true, manifest, loads: this.#loads });
    } catch (error) {
      onLoad?.({ ok: false, error: (error as Error).message });
    }
  }
}
