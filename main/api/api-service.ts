import type { AnalysisControl } from '../../contract/analysis.js';
import { getChangesMetaSince } from '@automerge/automerge';
import path from 'node:path';
import { API_REQUEST_SCHEMAS, ApiError, type ApiEvent, type ApiMethod, type ApiResults, type ClipHistoryEntry, type ExportFormat } from '../../contract/api.js';
import type { SyncControl } from '../../contract/devices.js';
import type { MediaRequest } from '../../contract/media.js';
import { DETAIL_OPERATIONS } from '../../contract/clip-details.js';
import { CLIP_OPERATIONS, readChangeMessage } from '../../contract/shard-document.js';
import { EXTENSION_OF_FORMAT, exportRendered } from '../library/export/export-rendered.js';
import { importText } from '../library/importer.js';
import type { Library } from '../library/library.js';
import { shardOfClip } from '../library/ids.js';
import { changeClipTags, editClipFields, moveClipToTrash, restoreClip } from '../library/operations/clip-edits.js';
import { undoLastChange } from '../library/operations/undo.js';
import { videoTimeline } from '../library/video/video-timeline.js';
import { parseDetailHeads, waitForDetailHeads } from '../library/documents/wait-for-details.js';
import { invalidRequest, toApiError } from './api-errors.js';
import { createAnalysisHandlers, forwardAnalysisChanges } from './analysis-handlers.js';
import { createBulkHandlers } from './bulk-handlers.js';
import { createCaptureHandlers } from './capture-handlers.js';
import type { CaptureService } from '../capture/capture-service.js';
import { createClipboardHandlers } from './clipboard-handlers.js';
import { createCaptureSettingsHandlers } from './capture-settings-handlers.js';
import { createRateLimitHandlers } from './rate-limit-handlers.js';
import { rateLimitsOf } from '../security/rate-limit/rate-limit-policy.js';
import type { CaptureSettingsStore } from '../capture/capture-settings.js';
import type { Paster } from '../capture/clipboard/picker-service.js';
import { createDeviceHandlers, forwardSyncChanges } from './device-handlers.js';
import { createSharingHandlers } from './sharing-handlers.js';
import { createModelHandlers } from './model-handlers.js';
import { createPluginHandlers } from './plugin-handlers.js';
import type { PluginService } from '../plugins/plugin-service.js';
import { createProviderHandlers } from './provider-handlers.js';
import type { ModelStore } from '../ai/models/model-store.js';
import type { ProviderRegistry } from '../ai/providers/provider-registry.js';
import { BulkOperations } from './bulk-operations.js';
import { ExportJobs } from './export-jobs.js';
import { ImportJobs } from './import-jobs.js';
import { baseName, openClipMedia, type MediaFile } from './media.js';
import type { UploadStore } from './upload-store.js';
import { noLockHandlers } from '../security/lock/lockable-api.js';
import { Lingering } from '../library/documents/lingering.js';

/** Index changes are gathered this long into one 'library-changed' event. */
const CHANGE_EVENT_DELAY_MS = 100;
/** Beyond this many clips an event just says "many changed" (null). */
const MAX_CHANGED_IDS = 500;
const MAX_HISTORY_ENTRIES = 200;

/** One window or browser tab: what it holds open is released when it goes away. */
export interface ApiSession {
  dispatch(method: string, params: unknown): Promise<unknown>;
  close(): void;
}

export interface ApiService {
  /** Validates and runs one request outside any window's session (documents stay open until the service closes); rejects with an ApiError. */
  dispatch(method: string, params: unknown): Promise<unknown>;
  openSession(): ApiSession;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  openMedia(clipId: string, request: MediaRequest): Promise<MediaFile>;
  /** A finished export job's file. */
  openExport(jobId: string): Promise<MediaFile>;
  close(): Promise<void>;
}

export interface ApiServiceOptions {
  /** How long a closed window's documents stay open to peers; CLOSED_WINDOW_GRACE_MS unless a test says otherwise. */
  closedWindowGraceMs?: number;
  /** Where `serve` keeps uploads; without it importUploads is unsupported. */
  uploads?: UploadStore;
  /** Whether the caller's process can read the paths the renderer names (Electron: yes; a browser: no). */
  allowPaths?: boolean;
  /** Asks the person for a folder (the desktop app's dialog); without it, bulk exports are zips to download. */
  chooseFolder?: (title: string) => Promise<string | null>;
  /** The running sync subsystem; without it the device methods answer 'unsupported'. */
  sync?: SyncControl;
  /** Background analysis; without it the analysis methods answer 'unsupported'. */
  analysis?: AnalysisControl;
  /** The on-device models (the Models panel); without it the model methods answer 'unsupported'. */
  models?: ModelStore;
  /** After a model is installed, imported or removed: analysis reads the installed models again (AnalysisService.modelsChanged). */
  onModelsChanged?: () => Promise<void>;
  /** The remote AI providers of this library on this device; without it the provider methods answer 'unsupported'. */
  providers?: ProviderRegistry;
  /** The instance's plugins (the Plugins panel); without it the plugin methods answer 'unsupported'. */
  plugins?: PluginService;
  /** Screen captures waiting in overlays; without it the capture methods answer 'unsupported'. */
  capture?: CaptureService;
  /** Pastes a clipboard picker item into the previous window (the desktop app); without it a paste only answers what it would paste. */
  paster?: Paster;
  /** This device's capture settings (default: the capture service's); without either the capture settings methods answer 'unsupported'. */
  captureSettings?: CaptureSettingsStore;
}

/**
 * How long a closed window's documents stay open to peers. A window's edits travel on its sync
 * connection and its closing on its API connection; nothing orders the two, so the close can be
 * handled first, and the edits the window sent just before it must still be taken.
 */
const CLOSED_WINDOW_GRACE_MS = 10_000;

type Handlers = { [M in ApiMethod]: (params: ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>, session: SessionState) => Promise<ApiResults[M]> | ApiResults[M] };

interface SessionState {
  /** Clip id → how many times this session opened its document. */
  openDocuments: Map<string, number>;
  /** Whether this session has the settings document open (once is enough, however often it asks). */
  settingsOpen: boolean;
}

export function createApiService(library: Library, options: ApiServiceOptions = {}): ApiService {
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  const imports = new ImportJobs(library, (progress) => emit({ type: 'import-progress', progress }));
  const exports = new ExportJobs((progress) => emit({ type: 'export-progress', progress }), library.audit);
  const operations = new BulkOperations((progress) => emit({ type: 'bulk-progress', progress }));
  const stopChangeEvents = forwardIndexChanges(library, emit);
  const stopSyncEvents = forwardSyncChanges(options.sync, emit);
  const stopAnalysisEvents = forwardAnalysisChanges(options.analysis, emit);
  const models = createModelHandlers({ models: options.models, chooseFolder: options.chooseFolder, onModelsChanged: options.onModelsChanged, emit });
  const plugins = createPluginHandlers(options.plugins, emit);
  const defaultSession: SessionState = { openDocuments: new Map(), settingsOpen: false };
  const sessions = new Set<SessionState>([defaultSession]);
  const closedSessions = new Lingering<SessionState, SessionState>(Number.POSITIVE_INFINITY, options.closedWindowGraceMs ?? CLOSED_WINDOW_GRACE_MS, (state) => releaseDocuments(library, state));

  const handlers: Handlers = {
    listClips: (query) => library.query(query),
    countClips: (query) => library.count(query),
    getClip: ({ id }) => library.get(id),
    auditLog: (query) => library.audit.list(query),
    verifyAudit: () => library.audit.verify(),
    overview: () => ({ libraryId: library.libraryId, ...library.overview() }),
    timeline: ({ query, bucket }) => library.timeline(query, bucket),
    openClipDocument: async ({ id }, session) => {
      const opened = await library.openClipForPeers(id);
      session.openDocuments.set(opened.clipId, (session.openDocuments.get(opened.clipId) ?? 0) + 1);
      return { clipId: opened.clipId, shard: opened.shard, documentUrl: `automerge:${opened.documentId}`, detailUrl: `automerge:${opened.detailDocumentId}` };
    },
    closeClipDocument: ({ id }, session) => {
      const count = session.openDocuments.get(id);
      if (count === undefined) throw new ApiError('not-found', `clip ${id} is not open in this window`);
      if (count <= 1) session.openDocuments.delete(id);
      else session.openDocuments.set(id, count - 1);
      library.closeClipForPeers(id);
      return null;
    },
    clipHistory: ({ id }) => clipHistory(library, id),
    editClip: ({ id, title, notes }) => editClipFields(library, id, { title, notes }),
    changeTags: ({ id, add, remove }) => changeClipTags(library, id, { add, remove }),
    trashClips: async ({ ids }) => {
      const clips = [];
      for (const id of ids) clips.push(await moveClipToTrash(library, id));
      return clips;
    },
    restoreClips: async ({ ids }) => {
      const clips = [];
      for (const id of ids) clips.push(await restoreClip(library, id));
      return clips;
    },
    undoClip: ({ id }) => undoLastChange(library, id),
    importUploads: ({ uploads }) => {
      const store = options.uploads;
      if (!store) throw new ApiError('unsupported', 'this window cannot upload files; import by path instead');
      // Take every upload first, so an unknown id refuses the whole request before anything starts.
      const files = uploads.map((upload) => ({ path: store.take(upload.uploadId), name: upload.name }));
      return imports.start(files, async () => {
        await Promise.all(files.map((file) => store.discard(file.path)));
      });
    },
    importPaths: ({ paths }) => {
      if (!options.allowPaths) throw new ApiError('unsupported', 'this window cannot name files on the device running ClipShot; upload them instead');
      return imports.start(paths.map((file) => ({ path: file, name: file })));
    },
    importText: async ({ text, title }) => {
      const event = await importText(library, text, { ...(title !== undefined && { title }), sourceName: 'app' });
      if (event.type === 'imported') return { clipId: event.id, duplicateOf: null };
      if (event.type === 'duplicate') return { clipId: event.existingId, duplicateOf: event.existingId };
      throw new ApiError('invalid-request', event.reason);
    },
    cancelImport: ({ importId }) => {
      imports.cancel(importId);
      return null;
    },
    exportClip: ({ id, format, detailHeads }) => {
      const clip = library.get(id);
      const heads = detailHeads && parseDetailHeads(detailHeads);
      const fileName = `${baseName(clip)}${format === 'original' ? path.extname(clip.sourceName) || '' : EXTENSION_OF_FORMAT[format]}`;
      return exports.start(`${clip.title || clip.id} as ${formatName(format)}`, async ({ folder, signal, report }) => {
        if (heads) await waitForDetailHeads(library, clip.id, heads);
        await library.settleEdits();
        const target = path.join(folder, fileName);
        await exportRendered(library, clip.id, target, { format, signal, onProgress: report });
        return { path: target, mime: EXPORT_MIME[format] ?? clip.media?.mime ?? 'application/octet-stream', fileName };
      });
    },
    cancelExport: ({ jobId }) => {
      exports.cancel(jobId);
      return null;
    },
    videoTimeline: ({ id, buckets }) => videoTimeline(library, id, buckets),
    openSettingsDocument: async (_params, session) => {
      if (!session.settingsOpen) {
        const documentId = await library.openSettingsForPeers();
        session.settingsOpen = true;
        return { documentUrl: `automerge:${documentId}` };
      }
      return { documentUrl: `automerge:${library.settings.documentId}` };
    },
    timelineSpan: ({ query }) => library.timelineSpan(query),
    ...createBulkHandlers(library, { operations, exports, ...(options.chooseFolder && { chooseFolder: options.chooseFolder }) }),
    ...createDeviceHandlers(options.sync),
    ...createSharingHandlers(options.sync),
    ...createAnalysisHandlers(library, options.analysis),
    ...models.handlers,
    ...createProviderHandlers({ providers: options.providers, models: options.models, emit }),
    ...plugins.handlers,
    ...createCaptureHandlers(options.capture),
    ...createClipboardHandlers(library, options.paster),
    ...createCaptureSettingsHandlers(library, options.captureSettings ?? options.capture?.settings),
    ...createRateLimitHandlers(rateLimitsOf(library)),
    // The app lock wraps this service (main/security/lock/lockable-api.ts) and answers these itself.
    ...noLockHandlers(),
  };

  const run = async (method: string, params: unknown, session: SessionState): Promise<unknown> => {
    if (!Object.hasOwn(API_REQUEST_SCHEMAS, method)) throw new ApiError('invalid-request', `no API method ${JSON.stringify(method).slice(0, 80)}`);
    const name = method as ApiMethod;
    const parsed = API_REQUEST_SCHEMAS[name].safeParse(params ?? {});
    if (!parsed.success) throw invalidRequest(name, parsed.error);
    try {
      const handler = handlers[name] as (params: unknown, session: SessionState) => unknown;
      return await handler(parsed.data, session);
    } catch (error) {
      throw toApiError(error);
    }
  };

  return {
    dispatch: (method, params) => run(method, params, defaultSession),
    openSession: () => {
      const state: SessionState = { openDocuments: new Map(), settingsOpen: false };
      sessions.add(state);
      return {
        dispatch: (method, params) => run(method, params, state),
        close: () => {
          if (!sessions.delete(state)) return;
          closedSessions.add(state, state);
        },
      };
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    openMedia: async (clipId, request) => {
      try {
        return await openClipMedia(library, clipId, request);
      } catch (error) {
        throw toApiError(error);
      }
    },
    openExport: (jobId) => exports.open(jobId),
    close: async () => {
      stopChangeEvents();
      stopSyncEvents();
      stopAnalysisEvents();
      await models.close();
      plugins.close();
      operations.stopAll();
      await imports.stopAll();
      await exports.stopAll();
      closedSessions.clear();
      for (const state of sessions) releaseDocuments(library, state);
      sessions.clear();
      listeners.clear();
    },
  };
}

const EXPORT_MIME: Partial<Record<ExportFormat, string>> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', mp4: 'video/mp4', webm: 'video/webm', gif: 'image/gif', txt: 'text/plain; charset=utf-8' };

function formatName(format: ExportFormat): string {
  return format === 'original' ? 'the original file' : format.toUpperCase();
}

function releaseDocuments(library: Library, state: SessionState): void {
  for (const [clipId, count] of state.openDocuments) for (let i = 0; i < count; i++) library.closeClipForPeers(clipId);
  state.openDocuments.clear();
  if (state.settingsOpen) library.closeSettingsForPeers();
  state.settingsOpen = false;
}

/** Gathers the index's change notices into one event per short interval. */
function forwardIndexChanges(library: Library, emit: (event: ApiEvent) => void): () => void {
  let pending: Set<string> | null = null;
  let everything = false;
  let timer: NodeJS.Timeout | null = null;
  const stop = library.onIndexChanged((clipIds) => {
    if (clipIds === null) everything = true;
    else for (const id of clipIds) (pending ??= new Set()).add(id);
    timer ??= setTimeout(() => {
      timer = null;
      const ids = everything || (pending?.size ?? 0) > MAX_CHANGED_IDS ? null : [...(pending ?? [])];
      pending = null;
      everything = false;
      emit({ type: 'library-changed', clipIds: ids });
    }, CHANGE_EVENT_DELAY_MS);
  });
  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}


/** The clip's changes, newest first: its entry's (title, tags, trash…) and its detail document's (text, annotations, trim…). */
async function clipHistory(library: Library, idOrPrefix: string): Promise<ClipHistoryEntry[]> {
  const clip = library.get(idOrPrefix);
  const changesOf = (doc: Parameters<typeof getChangesMetaSince>[0], operations: readonly string[]): ClipHistoryEntry[] =>
    getChangesMetaSince(doc, []).flatMap((change) => {
      const said = readChangeMessage(change.message, operations);
      return said?.clipIds.includes(clip.id) ? [{ operation: said.operation, time: change.time, actor: change.actor.slice(0, 8) }] : [];
    });
  const entryChanges = await library.shards.read(shardOfClip(clip.id), (doc) => changesOf(doc, CLIP_OPERATIONS));
  const detailChanges = await library.details.read(clip.id, (doc) => (doc ? changesOf(doc, DETAIL_OPERATIONS) : []));
  const imported: ClipHistoryEntry = { operation: 'import', time: Math.floor(clip.importedAt / 1000), actor: '' };
  // A stable sort by time keeps each document's own order among changes of the same second.
  const changes = [...entryChanges, ...detailChanges].sort((a, b) => a.time - b.time);
  return [imported, ...changes].slice(-MAX_HISTORY_ENTRIES).reverse();
}
