import { utilityProcess } from 'electron';
import { fileURLToPath } from 'node:url';
import type { WorkerChannel, WorkerLauncher } from '../ai/worker/worker-launcher.js';
import { lowerPriority } from '../ai/worker/worker-priority.js';

/** The analysis worker as an Electron utility process: ORT and sharp crash it, never the main process. */
export class UtilityProcessLauncher implements WorkerLauncher {
  constructor(private readonly entry: string = fileURLToPath(new URL('../ai/worker/analysis-worker.js', import.meta.url))) {}

  launch(): WorkerChannel {
    const child = utilityProcess.fork(this.entry, [], { serviceName: 'ClipShot analysis', execArgv: ['--max-old-space-size=768'], stdio: 'ignore' });
    child.once('spawn', () => lowerPriority(child.pid));
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      kill: () => {
        child.kill();
      },
    };
  }
}
