import type { PluginApiMethod, PluginApiParams, PluginErrorCode, PluginErrorShape, PluginHostApi } from '../../../contract/plugins.js';
import type { HostChannel } from './host-channel.js';

/** A host call that the host refused or that failed there; `code` says why (PluginErrorCode). */
export class HostCallError extends Error {
  readonly code: PluginErrorCode;
  constructor(method: string, error: PluginErrorShape) {
    // The host's messages mostly name the method already; the plugin's author sees it once.
    super(error.message.startsWith(`${method}:`) ? error.message : `${method}: ${error.message}`);
    this.name = 'HostCallError';
    this.code = error.code;
  }
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * PluginHostApi as the plugin's code sees it: every method is one 'call' message, answered by a
 * 'reply'. Nothing is checked here; the host checks every call (permission, parameters, rate).
 */
export class HostApiClient {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  readonly api: PluginHostApi;

  constructor(
    private readonly channel: HostChannel,
    log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {
    const call = <M extends PluginApiMethod>(method: M, params: PluginApiParams[M]) => this.#call(method, params);
    this.api = Object.freeze({
      clips: Object.freeze({
        list: (params = {}) => call('clips.list', params) as Promise<Awaited<ReturnType<PluginHostApi['clips']['list']>>>,
        get: (id) => call('clips.get', { id }) as ReturnType<PluginHostApi['clips']['get']>,
        search: (query, params = {}) => call('clips.search', { query, ...params }) as ReturnType<PluginHostApi['clips']['search']>,
        createText: (params) => call('clips.createText', params) as ReturnType<PluginHostApi['clips']['createText']>,
        update: (id, changes) => call('clips.update', { id, changes }) as ReturnType<PluginHostApi['clips']['update']>,
        addTags: (id, tags) => call('clips.addTags', { id, tags }) as ReturnType<PluginHostApi['clips']['addTags']>,
      }),
      blobs: Object.freeze({
        read: (hash) => call('blobs.read', { hash }) as Promise<Uint8Array>,
        readPixels: (hash, params = {}) => call('blobs.readPixels', { hash, ...params }) as ReturnType<PluginHostApi['blobs']['readPixels']>,
      }),
      net: Object.freeze({ fetch: (url, init) => call('net.fetch', init === undefined ? { url } : { url, init }) as ReturnType<PluginHostApi['net']['fetch']> }),
      clipboard: Object.freeze({ writeText: (text) => call('clipboard.writeText', { text }) as Promise<void> }),
      ui: Object.freeze({ showPanel: (panelId, data) => call('ui.showPanel', data === undefined ? { panelId } : { panelId, data }) as Promise<void> }),
      storage: Object.freeze({
        get: (key) => call('storage.get', { key }),
        set: (key, value) => call('storage.set', { key, value }) as Promise<void>,
      }),
      log: (level, message) => log(level, String(message)),
    } satisfies PluginHostApi);
  }

  /** A 'reply' from the host: settles the call it answers. */
  settle(id: number, ok: boolean, valueOrError: unknown): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (ok) pending.resolve(valueOrError);
    else pending.reject(new HostCallError(pending.method, valueOrError as PluginErrorShape));
  }

  #call(method: PluginApiMethod, params: unknown): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject });
      try {
        this.channel.send({ type: 'call', id, method, params });
      } catch (error) {
        // Parameters that cannot be sent (a function, a symbol) fail here, in the plugin.
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
