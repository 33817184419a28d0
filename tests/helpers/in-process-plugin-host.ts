// The plugin API (contract/plugins.ts PluginHostApi) answered in this process by a real Library,
// for testing a plugin's logic by calling its module's functions directly. It checks each call
// against the plugin's permissions as the host does (PLUGIN_API_PERMISSIONS), and answers with the
// library's real clips and blobs; what has no library behind it (the clipboard, panels shown, the
// plugin's storage, its log) is recorded for the test to read. The real host runs the same module
// in its own process (main/plugins/host); this stands in for that process boundary only.
import sharp from 'sharp';
import type { ClipView } from '../../contract/clips.js';
import {
  PLUGIN_API_PERMISSIONS,
  PLUGIN_PIXELS_DEFAULT_SIDE,
  PLUGIN_PIXELS_MAX_SIDE,
  type PluginApiMethod,
  type PluginClip,
  type PluginErrorCode,
  type PluginHostApi,
  type PluginLogEntry,
  type PluginManifest,
  type PluginPixels,
} from '../../contract/plugins.js';
import { importText } from '../../main/library/importer.js';
import type { Library } from '../../main/library/library.js';
import { changeClipTags, editClipFields } from '../../main/library/operations/clip-edits.js';

/** How the host answers a call it refuses: the code of contract/plugins.ts PLUGIN_ERROR_CODES. */
export class PluginCallError extends Error {
  constructor(
    readonly code: PluginErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PluginCallError';
  }
}

export interface InProcessHost {
  api: PluginHostApi;
  /** Every call the plugin made, in order (refused ones too). */
  calls: { method: PluginApiMethod; allowed: boolean }[];
  logs: PluginLogEntry[];
  panels: { panelId: string; data: unknown }[];
  clipboard: string[];
  storage: Map<string, unknown>;
}

// As the host: at most 200 clips a call.
const MAX_LIST = 200;

export function pluginClip(clip: ClipView): PluginClip {
  return {
    id: clip.id,
    kind: clip.kind,
    title: clip.title,
    notes: clip.notes,
    tags: [...clip.tags],
    capturedAt: clip.capturedAt,
    text: clip.kind === 'text' ? clip.text : null,
    blob: clip.media?.blob ?? null,
    // As the grid shows it: with the clip's edits (crop, redactions) burned in.
    thumb: clip.edited?.thumb ?? clip.media?.thumb ?? null,
    mime: clip.media?.mime ?? null,
    width: clip.edited?.width ?? clip.media?.width ?? null,
    height: clip.edited?.height ?? clip.media?.height ?? null,
  };
}

export function createInProcessHost(library: Library, manifest: Pick<PluginManifest, 'id' | 'permissions' | 'contributes'>): InProcessHost {
  const host: Omit<InProcessHost, 'api'> = { calls: [], logs: [], panels: [], clipboard: [], storage: new Map() };
  const granted = new Set<string>(manifest.permissions);

  const allow = (method: PluginApiMethod, url?: string) => {
    const needed = PLUGIN_API_PERMISSIONS[method];
    let allowed = needed === null || granted.has(needed);
    let what: string = needed ?? '';
    if (needed === 'net') {
      const hostname = url === undefined ? null : safeHostname(url);
      what = `net:${hostname ?? '?'}`;
      allowed = hostname !== null && granted.has(what);
    }
    host.calls.push({ method, allowed });
    if (!allowed) throw new PluginCallError('permission-denied', `${manifest.id} has no permission ${what} for ${method}`);
  };
  const found = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw new PluginCallError('not-found', error instanceof Error ? error.message : String(error));
    }
  };
  const limitOf = (limit: number | undefined) => {
    if (limit === undefined) return 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) throw new PluginCallError('invalid-params', `limit must be a whole number from 1 to ${MAX_LIST}`);
    return limit;
  };

  const api: PluginHostApi = {
    clips: {
      list: async (params = {}) => {
        allow('clips.list');
        const page = library.query({ limit: limitOf(params.limit), ...(params.cursor && { cursor: params.cursor }) });
        return { clips: page.items.map(pluginClip), next: page.nextCursor };
      },
      get: async (id) => {
        allow('clips.get');
        return pluginClip(found(() => library.get(id)));
      },
      search: async (query, params = {}) => {
        allow('clips.search');
        return library.query({ text: query, limit: limitOf(params.limit) }).items.map(pluginClip);
      },
      createText: async ({ text, title, tags }) => {
        allow('clips.createText');
        const event = await importText(library, text, { ...(title !== undefined && { title }), sourceName: `plugin ${manifest.id}` });
        if (event.type === 'failed') throw new PluginCallError('invalid-params', event.reason);
        const id = event.type === 'imported' ? event.id : event.existingId;
        return pluginClip(tags?.length ? await changeClipTags(library, id, { add: tags }) : library.get(id));
      },
      update: async (id, changes) => {
        allow('clips.update');
        found(() => library.get(id));
        return pluginClip(await editClipFields(library, id, changes));
      },
      addTags: async (id, tags) => {
        allow('clips.addTags');
        found(() => library.get(id));
        return pluginClip(await changeClipTags(library, id, { add: tags }));
      },
    },
    blobs: {
      read: async (hash) => {
        allow('blobs.read');
        return new Uint8Array(await readBlob(library, hash));
      },
      readPixels: async (hash, params = {}) => {
        allow('blobs.readPixels');
        const side = params.maxSide ?? PLUGIN_PIXELS_DEFAULT_SIDE;
        if (!Number.isInteger(side) || side < 1 || side > PLUGIN_PIXELS_MAX_SIDE) throw new PluginCallError('invalid-params', `maxSide must be a whole number from 1 to ${PLUGIN_PIXELS_MAX_SIDE}`);
        return decodePixels(await readBlob(library, hash), side);
      },
    },
    net: {
      fetch: async (url, init = {}) => {
        allow('net.fetch', url);
        const response = await fetch(url, { redirect: 'error', ...init });
        return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
      },
    },
    clipboard: {
      writeText: async (text) => {
        allow('clipboard.writeText');
        host.clipboard.push(text);
      },
    },
    ui: {
      showPanel: async (panelId, data) => {
        allow('ui.showPanel');
        if (!manifest.contributes.panels.some((panel) => panel.id === panelId)) throw new PluginCallError('not-found', `${manifest.id} contributes no panel ${panelId}`);
        host.panels.push({ panelId, data: structuredClone(data) });
      },
    },
    storage: {
      get: async (key) => {
        allow('storage.get');
        return structuredClone(host.storage.get(key));
      },
      set: async (key, value) => {
        allow('storage.set');
        host.storage.set(key, JSON.parse(JSON.stringify(value)) as unknown);
      },
    },
    log: (level, message) => {
      host.logs.push({ at: Date.now(), pluginId: manifest.id, level, message });
    },
  };
  return { ...host, api };
}

async function readBlob(library: Library, hash: string): Promise<Buffer> {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new PluginCallError('invalid-params', 'a blob is named by its SHA-256 (64 hexadecimal characters)');
  try {
    return await library.blobs.readAll(hash);
  } catch (error) {
    throw new PluginCallError('not-found', error instanceof Error ? error.message : String(error));
  }
}

/** The host's decoding: scaled down to fit `side`, never up; RGBA whatever the source. */
export async function decodePixels(bytes: Buffer, side: number): Promise<PluginPixels> {
  const { data, info } = await sharp(bytes).rotate().resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function safeHostname(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}
