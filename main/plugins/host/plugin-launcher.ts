import type { WorkerChannel } from '../../ai/worker/worker-launcher.js';

/** What one plugin process is started with. */
export interface PluginLaunchSpec {
  pluginId: string;
  /** The plugin's own folder (its package's files): the one folder of the person's it may read. */
  pluginDir: string;
  /** Cap of the process's JavaScript heap, in MB. */
  heapMb: number;
}

/**
 * Starts plugin processes. Under Node it is `child_process.fork` (ForkPluginLauncher); in
 * Electron a utility process (main/app/plugin-utility-launcher.ts). The host sees only this.
 */
export interface PluginLauncher {
  launch(spec: PluginLaunchSpec): PluginChannel;
}

/** The analysis worker's channel, plus the process's own output (a crash's stack, V8's out-of-memory report). */
export interface PluginChannel extends WorkerChannel {
  /** Each line the process writes to stdout or stderr; the streams are drained either way. */
  onOutput(listener: (stream: 'stdout' | 'stderr', line: string) => void): void;
}
