import path from 'node:path';
import { defaultLibraryDir } from '../../library/library-paths.js';

export const PLUGINS_DIR_ENV = 'CLIPSHOT_PLUGINS_DIR';

/** `$CLIPSHOT_PLUGINS_DIR`, else `plugins` beside the default library in the per-user data folder. */
export function defaultPluginsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[PLUGINS_DIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(path.dirname(defaultLibraryDir()), 'plugins');
}

/**
 * Files of the store itself beside the plugins' folders. Their names hold "_", which a plugin id
 * cannot, so no plugin can ever be installed over them.
 */
export const STORE_FILES = {
  staging: '_staging',
  trash: '_trash',
  lock: '_lock',
  trustedKeys: 'trusted_keys.json',
  settings: 'marketplace_settings.json',
} as const;
