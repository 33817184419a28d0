import { loadCatalog } from '../ai/models/catalog.js';
import { ModelStore } from '../ai/models/model-store.js';
import { defaultModelsDir } from '../ai/models/models-dir.js';
import { MODELS_CATALOG_ENV } from '../cli/model-commands.js';

/** A base URL every model download goes to instead of the catalog's hosts (a proxy, an offline mirror), as `clipshot models --mirror` takes it. */
export const MODELS_MIRROR_ENV = 'CLIPSHOT_MODELS_MIRROR';

/**
 * The models folder as the app and `serve` manage it: the person's own (`$CLIPSHOT_MODELS_DIR`),
 * the shipped catalog or `$CLIPSHOT_MODELS_CATALOG`, and `$CLIPSHOT_MODELS_MIRROR` when set.
 * A bad catalog or mirror throws a ModelError saying which.
 */
export function openAppModelStore(env: NodeJS.ProcessEnv = process.env): ModelStore {
  const catalogFile = env[MODELS_CATALOG_ENV];
  const mirror = env[MODELS_MIRROR_ENV];
  return new ModelStore({ dir: defaultModelsDir(env), catalog: catalogFile ? loadCatalog(catalogFile) : loadCatalog(), ...(mirror ? { mirror } : {}) });
}
