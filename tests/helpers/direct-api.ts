// The real core (library + API service) for renderer tests, with requests and results
// round-tripped through JSON as a transport would, and documents synced over a real MessageChannel.
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import path from 'node:path';
import { Readable } from 'node:stream';
import { MessageChannel } from 'node:worker_threads';
import type { AnalysisControl } from '../../contract/analysis.js';
import { ApiError, requestsThrough, type ApiEvent, type ClipShotApi } from '../../contract/api.js';
import { exportPath, mediaPath } from '../../contract/media.js';
import { createApiService, type ApiService, type ApiServiceOptions } from '../../main/api/api-service.js';
import { UploadStore } from '../../main/api/upload-store.js';
import type { Library } from '../../main/library/library.js';
import type { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import type { PluginService } from '../../main/plugins/plugin-service.js';
import type { CaptureSettingsStore } from '../../main/capture/capture-settings.js';
import type { ProviderRegistry } from '../../main/ai/providers/provider-registry.js';
import { ObservableConnectionStatus } from '../../renderer/src/api/connection-status.js';
import { UploadFileImporter, type FileImporter } from '../../renderer/src/api/file-importer.js';
import type { ClipDocuments } from '../../renderer/src/documents/clip-documents.js';
import { RepoClipDocuments } from '../../renderer/src/documents/repo-documents.js';
import { RepoSettingsDocuments, type SettingsDocuments } from '../../renderer/src/documents/settings-documents.js';
import { createTestLibrary, openTestLibrary } from './library.js';

/** The port type MessageChannelNetworkAdapter takes; Node's MessagePort is passed as one. */
export type AdapterPort = ConstructorParameters<typeof MessageChannelNetworkAdapter>[0];

export interface TestCore {
  api: ClipShotApi;
  /** A window's documents; call `openWindow()` for a second window with its own Repo. */
  documents: ClipDocuments;
  /** The first window's settings document. */
  settings: SettingsDocuments;
  files: FileImporter;
  library: Library;
  /** The in-memory keychain that unlocks the library (its key opens the database directly). */
  secretStore: MemorySecretStore;
  service: ApiService;
  dir: string;
  openWindow(): TestWindow;
  close(): Promise<void>;
}

export interface TestWindow {
  api: ClipShotApi;
  documents: ClipDocuments;
  settings: SettingsDocuments;
  /** Ends only the window's API session, as when its API connection closes before its sync connection. */
  endSession(): void;
  close(): void;
}

export interface TestCoreOptions extends Pick<ApiServiceOptions, 'sync' | 'models' | 'onModelsChanged' | 'chooseFolder' | 'closedWindowGraceMs'> {
  /** Starts the analysis the API's analysis methods use, on the new library; closed (if it can be) before the library. */
  analysis?: (library: Library) => Promise<AnalysisControl & { close?(): Promise<void> }>;
  /** The remote AI providers the API's provider methods use, made for the new library. */
  providers?: (library: Library) => ProviderRegistry;
  /** The instance's plugins (tests/helpers/plugin-marketplace.ts), started on the new library; closed after the API. */
  plugins?: (library: Library) => Promise<PluginService>;
  /** This device's capture settings (the desktop app's settings file), opened for the new library. */
  captureSettings?: (library: Library) => Promise<CaptureSettingsStore>;
  /** An existing test library (a closed TestCore's `dir` and `secretStore`) opened again instead of a new one. */
  reopen?: { dir: string; secretStore: MemorySecretStore };
}

/** `parent`: a folder for the library that outlives one test (see createTestLibrary); `options.sync`: the sync subsystem the API's device methods use. */
export async function createTestCore(parent?: string, options: TestCoreOptions = {}): Promise<TestCore> {
  const { library, dir, store: secretStore } = options.reopen ? await openTestLibrary(options.reopen.dir, options.reopen.secretStore) : await createTestLibrary(parent);
  const uploads = new UploadStore(path.join(dir, 'uploads'));
  const analysis = options.analysis ? await options.analysis(library) : undefined;
  const plugins = options.plugins ? await options.plugins(library) : undefined;
  const captureSettings = options.captureSettings ? await options.captureSettings(library) : undefined;
  const service = createApiService(library, {
    ...(options.sync && { sync: options.sync }),
    ...(analysis && { analysis }),
    ...(options.models && { models: options.models }),
    ...(options.onModelsChanged && { onModelsChanged: options.onModelsChanged }),
    ...(options.chooseFolder && { chooseFolder: options.chooseFolder }),
    ...(options.closedWindowGraceMs !== undefined && { closedWindowGraceMs: options.closedWindowGraceMs }),
    ...(captureSettings && { captureSettings }),
    ...(options.providers && { providers: options.providers(library) }),
    ...(plugins && { plugins }),
    uploads,
  });
  const windows = new Set<TestWindow>();

  const openWindow = (): TestWindow => {
    const session = service.openSession();
    const api = jsonApi(service, (method, params) => session.dispatch(method, params));
    const channel = new MessageChannel();
    library.connectPeers(new MessageChannelNetworkAdapter(channel.port1 as unknown as AdapterPort));
    const repo = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port2 as unknown as AdapterPort)], peerId: `window-${windows.size}-${Date.now()}` as PeerId, sharePolicy: async () => true });
    const status = new ObservableConnectionStatus('connected');
    const window: TestWindow = {
      api,
      documents: new RepoClipDocuments(repo, api, status),
      settings: new RepoSettingsDocuments(repo, api, status),
      endSession: () => session.close(),
      close: () => {
        windows.delete(window);
        session.close();
        void repo.shutdown();
        channel.port1.close();
        channel.port2.close();
      },
    };
    windows.add(window);
    return window;
  };

  const first = openWindow();
  return {
    api: first.api,
    documents: first.documents,
    settings: first.settings,
    // As under `serve`: through the upload store, then importUploads.
    files: new UploadFileImporter(first.api, async (file) => (await uploads.receive(file.name, Readable.from(Buffer.from(await file.arrayBuffer())))).uploadId),
    library,
    secretStore,
    service,
    dir,
    openWindow,
    close: async () => {
      for (const window of [...windows]) window.close();
      await analysis?.close?.();
      await service.close();
      await plugins?.close();
      await library.close();
    },
  };
}

function jsonApi(service: ApiService, dispatch: (method: string, params: unknown) => Promise<unknown>): ClipShotApi {
  const call = async (method: string, params: unknown) => {
    try {
      return roundTrip(await dispatch(method, roundTrip(params ?? {})));
    } catch (error) {
      throw error instanceof ApiError ? ApiError.from(roundTrip(error.toJSON())) : error;
    }
  };
  return {
    ...requestsThrough(call),
    mediaUrl: (clipId, media, options) => mediaPath(clipId, media, options),
    exportUrl: (jobId) => exportPath(jobId),
    onEvent: (listener: (event: ApiEvent) => void) => service.onEvent((event) => listener(roundTrip(event))),
  };
}

function roundTrip<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
