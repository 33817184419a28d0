// The API's model methods (the Models panel): the catalog with each model's state, the consent
// question and the download it allows, cancel, remove and offline import. A core without a model
// store answers every one of them 'unsupported'.
import path from 'node:path';
import type { ModelImportResult, ModelsStatus } from '../../contract/ai-settings.js';
import { ApiError, type API_REQUEST_SCHEMAS, type ApiErrorCode, type ApiEvent, type ApiResults } from '../../contract/api.js';
import { bytesText } from '../ai/models/bytes-text.js';
import { ModelError, type ModelErrorCode } from '../ai/models/model-errors.js';
import type { ModelStore } from '../ai/models/model-store.js';
import { toApiError } from './api-errors.js';
import { ModelInstalls } from './model-installs.js';

type ModelMethod = 'listModels' | 'planModelInstall' | 'installModel' | 'cancelModelInstall' | 'removeModel' | 'importModels';
type Params<M extends ModelMethod> = ReturnType<(typeof API_REQUEST_SCHEMAS)[M]['parse']>;
export type ModelHandlers = { [M in ModelMethod]: (params: Params<M>) => Promise<ApiResults[M]> };

/** 'models-changed' events are at most this often (4 a second): a download moves on with every chunk. */
export const MODELS_EVENT_INTERVAL_MS = 250;

export interface ModelHandlerOptions {
  models: ModelStore | undefined;
  /** Asks the person for a folder (the desktop app's dialog). */
  chooseFolder?: ((title: string) => Promise<string | null>) | undefined;
  /** After a model is installed, imported or removed (analysis reads the installed models again). */
  onModelsChanged?: (() => Promise<void>) | undefined;
  emit: (event: ApiEvent) => void;
}

const API_CODES: Partial<Record<ModelErrorCode, ApiErrorCode>> = {
  'unknown-model': 'not-found',
  'not-installed': 'not-found',
  busy: 'busy',
  'consent-required': 'invalid-request',
  bundled: 'invalid-request',
  'import-source': 'invalid-request',
  'invalid-mirror': 'invalid-request',
};

function modelApiError(error: unknown): ApiError {
  if (error instanceof ModelError) return new ApiError(API_CODES[error.code] ?? 'internal', error.message);
  return toApiError(error);
}

export function createModelHandlers(options: ModelHandlerOptions): { handlers: ModelHandlers; close(): Promise<void> } {
  const { models: store } = options;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const status = async (): Promise<ModelsStatus> => {
    const listing = await need().list();
    return {
      dir: listing.dir,
      diskBytes: listing.diskBytes,
      canChooseFolder: options.chooseFolder !== undefined,
      models: listing.models.map(({ dir: _dir, ...facts }) => ({ ...facts, install: installs?.view(facts.id) ?? null })),
    };
  };

  /** The first change waits out the interval and the status sent is the one at its end, so the last change is never lost. */
  const changed = () => {
    if (closed || !store) return;
    timer ??= setTimeout(() => {
      timer = null;
      status().then(
        (current) => {
          if (!closed) options.emit({ type: 'models-changed', status: current });
        },
        // The folder could not be read just now: a window asks again when it next opens the panel.
        () => undefined,
      );
    }, MODELS_EVENT_INTERVAL_MS);
  };

  /** Analysis picks up the new set of models in the background; a window's request does not wait for it. */
  const modelsChanged = () => {
    if (!options.onModelsChanged) return;
    options.onModelsChanged().catch((error: unknown) => {
      console.error(`ClipShot: analysis did not take up the changed models: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  const installs = store ? new ModelInstalls(store, { onChange: changed, onInstalled: modelsChanged }) : null;

  function need(): ModelStore {
    if (!store) throw new ApiError('unsupported', 'models cannot be managed in this instance of ClipShot');
    return store;
  }

  const guard = <P, R>(work: (params: P, store: ModelStore, installs: ModelInstalls) => Promise<R>) => async (params: P): Promise<R> => {
    const running = need();
    try {
      return await work(params, running, installs!);
    } catch (error) {
      throw modelApiError(error);
    }
  };

  const handlers: ModelHandlers = {
    listModels: guard(() => status()),
    planModelInstall: guard(async ({ id }, running) => {
      const plan = await running.plan(id);
      return { ...plan, files: running.model(id).files.length };
    }),
    installModel: guard(async ({ id, consent }, running, downloads) => {
      const model = running.model(id);
      if (model.bundled) throw new ApiError('invalid-request', `${model.title} comes with ClipShot: there is nothing to download`);
      const plan = await running.plan(id);
      if (plan.remainingBytes === 0 && (await running.resolve(id)) !== null) return status();
      const otherHosts = plan.hosts.filter((host) => !consent.hosts.includes(host));
      if (plan.remainingBytes > consent.remainingBytes || otherHosts.length > 0) {
        throw new ApiError(
          'invalid-request',
          `the download of ${model.title} is not the one agreed to: it is now ${bytesText(plan.remainingBytes)} from ${plan.hosts.join(', ')}; look at it again before downloading`,
        );
      }
      // Checked after the awaits: two windows asking at once start one download.
      if (downloads.isRunning(id)) throw new ApiError('busy', `${model.title} is already downloading`);
      downloads.clear(id);
      downloads.start(id, plan.sizeBytes, plan.sizeBytes - plan.remainingBytes);
      return status();
    }),
    cancelModelInstall: guard(async ({ id }, running, downloads) => {
      const model = running.model(id);
      if (!(await downloads.cancel(id))) throw new ApiError('not-found', `${model.title} is not downloading`);
      return status();
    }),
    removeModel: guard(async ({ id }, running, downloads) => {
      const model = running.model(id);
      if (downloads.isRunning(id)) throw new ApiError('busy', `${model.title} is downloading: cancel the download first`);
      const removed = await running.remove(id);
      downloads.clear(id);
      changed();
      modelsChanged();
      return removed;
    }),
    importModels: guard(async ({ folder }, running): Promise<ModelImportResult | null> => {
      let source = folder;
      if (source === undefined) {
        if (!options.chooseFolder) throw new ApiError('unsupported', 'this window cannot show a folder chooser: type the folder’s path instead');
        const chosen = await options.chooseFolder('Import models from a folder');
        if (chosen === null) return null;
        source = chosen;
      }
      // Relative to what? The server's working folder means nothing to the person typing.
      if (!path.isAbsolute(source)) throw new ApiError('invalid-request', `give the folder’s full path (like ${process.platform === 'win32' ? 'C:\\Models' : '/home/me/models'}), not “${source.slice(0, 200)}”`);
      const report = await running.importFrom(source);
      changed();
      if (report.installed.length > 0) modelsChanged();
      return {
        folder: source,
        installed: report.installed.map(({ id, version }) => ({ id, version })),
        alreadyInstalled: report.alreadyInstalled,
        problems: report.problems,
      };
    }),
  };

  return {
    handlers,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await installs?.stopAll();
    },
  };
}
