import { utilityProcess } from 'electron';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { defaultRuntimeEntry, pluginNodeFlags } from '../plugins/host/launch-flags.js';
import { forEachLine } from '../plugins/host/output-lines.js';
import type { PluginChannel, PluginLaunchSpec, PluginLauncher } from '../plugins/host/plugin-launcher.js';

/**
 * Plugin processes as Electron utility processes: the same runtime, permission flags and heap
 * cap as ForkPluginLauncher; messages go through `process.parentPort` on the plugin's side.
 */
export class PluginUtilityLauncher implements PluginLauncher {
  constructor(private readonly runtimeEntry: string = defaultRuntimeEntry()) {}

  launch(spec: PluginLaunchSpec): PluginChannel {
    const pluginDir = path.resolve(spec.pluginDir);
    const child = utilityProcess.fork(this.runtimeEntry, [pluginDir], {
      serviceName: `ClipShot plugin ${spec.pluginId}`,
      cwd: pluginDir,
      env: {},
      execArgv: pluginNodeFlags([pluginDir, path.dirname(this.runtimeEntry)], spec.heapMb),
      stdio: 'pipe',
    });
    const outputListeners: ((stream: 'stdout' | 'stderr', line: string) => void)[] = [];
    for (const [name, stream] of [['stdout', child.stdout], ['stderr', child.stderr]] as const) {
      if (stream) forEachLine(stream as Readable, (line) => outputListeners.forEach((listener) => listener(name, line)));
    }
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      onOutput: (listener) => outputListeners.push(listener),
      kill: () => {
        child.kill();
      },
    };
  }
}
