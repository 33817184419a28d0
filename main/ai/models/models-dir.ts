import path from 'node:path';
import { defaultLibraryDir } from '../../library/library-paths.js';

export const MODELS_DIR_ENV = 'CLIPSHOT_MODELS_DIR';

/** `$CLIPSHOT_MODELS_DIR`, else `models` beside the default library in the per-user data folder. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[MODELS_DIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(path.dirname(defaultLibraryDir()), 'models');
}
