import { fork } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { defaultRuntimeEntry, pluginNodeFlags } from './launch-flags.js';
import type { PluginChannel, PluginLaunchSpec, PluginLauncher } from './plugin-launcher.js';
import { forEachLine } from './output-lines.js';

/** Plugin processes as Node children: what `clipshot serve`, `run` and `plugin dev` use. */
export class ForkPluginLauncher implements PluginLauncher {
  readonly #runtimeEntry: string;

  constructor(runtimeEntry: string = defaultRuntimeEntry()) {
    this.#runtimeEntry = path.resolve(runtimeEntry);
  }

  launch(spec: PluginLaunchSpec): PluginChannel {
    const pluginDir = path.resolve(spec.pluginDir);
    const child = fork(this.#runtimeEntry, [pluginDir], {
      cwd: pluginDir,
      // Nothing of the host's environment (a passphrase, NODE_OPTIONS) reaches plugin code.
      env: {},
      execArgv: pluginNodeFlags([pluginDir, path.dirname(this.#runtimeEntry)], spec.heapMb),
      // Structured clone: exporters' bytes and blobs travel as bytes, not as JSON arrays.
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const outputListeners: ((stream: 'stdout' | 'stderr', line: string) => void)[] = [];
    for (const [name, stream] of [['stdout', child.stdout], ['stderr', child.stderr]] as const) {
      forEachLine(stream as Readable, (line) => {
        for (const listener of outputListeners) listener(name, line);
      });
    }
    // A failed spawn is followed by no 'exit'; it must not become an uncaught error in the host.
    child.on('error', () => undefined);
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message as object);
      },
      onMessage: (listener) => child.on('message', listener),
      // 'close' comes after the output is drained: V8's out-of-memory report is read before the exit is judged.
      onExit: (listener) => child.once('close', (code, signal) => listener(code, signal)),
      onOutput: (listener) => outputListeners.push(listener),
      kill: () => child.kill('SIGKILL'),
    };
  }
}
