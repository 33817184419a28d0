import type { Library } from '../library/library.js';
import { ForkPluginLauncher } from './host/fork-plugin-launcher.js';
import { libraryAccessOver } from './host/library-access-over-library.js';
import type { PluginLauncher } from './host/plugin-launcher.js';
import { PluginService } from './plugin-service.js';
import { defaultPluginsDir } from './store/plugins-dir.js';
import { rateLimitsOf } from '../security/rate-limit/rate-limit-policy.js';

/**
 * The plugins of an instance holding `library` (`serve`, the desktop app), from
 * $CLIPSHOT_PLUGINS_DIR or the per-user plugins folder. Null when they cannot start: the
 * library works regardless, and `onProblem` says why.
 */
export async function startInstancePlugins(library: Library, options: { launcher?: PluginLauncher; onProblem: (message: string) => void }): Promise<PluginService | null> {
  try {
    return await PluginService.start({ dir: defaultPluginsDir(), launcher: options.launcher ?? new ForkPluginLauncher(), library: libraryAccessOver(library), audit: library.audit, rateLimits: rateLimitsOf(library) });
  } catch (error) {
    options.onProblem(`plugins are off: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
