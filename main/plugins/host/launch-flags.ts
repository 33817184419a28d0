import { fileURLToPath } from 'node:url';

/** The runtime's entry (runs inside the plugin process); its folder is the other one the process may read. */
export function defaultRuntimeEntry(): string {
  return fileURLToPath(new URL('../runtime/plugin-runtime.js', import.meta.url));
}

/**
 * Node's flags for a plugin process: the permission model with reads limited to `readable`
 * (the plugin's folder and the runtime's), nothing else
 * allowed (no writes, child processes, workers, addons), and a heap cap. Node 20.19 takes the
 * flag once per path (it no longer splits a comma-separated list); 23 renamed the switch.
 */
export function pluginNodeFlags(readable: readonly string[], heapMb: number, nodeMajor = Number(process.versions.node.split('.')[0])): string[] {
  const permission = nodeMajor >= 23 ? '--permission' : '--experimental-permission';
  return [permission, ...readable.map((entry) => `--allow-fs-read=${entry}`), `--max-old-space-size=${heapMb}`, '--disable-warning=ExperimentalWarning'];
}
