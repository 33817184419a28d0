import { fork } from 'node:child_process';
import { lowerPriority } from './worker-priority.js';
import { fileURLToPath } from 'node:url';
import type { WorkerChannel, WorkerLauncher } from './worker-launcher.js';

/** Memory cap of the worker's JavaScript heap; ONNX tensors live outside it. */
const WORKER_HEAP_MB = 768;

/** The worker as a Node child process: what `clipshot serve` and the CLI use. */
export class ForkLauncher implements WorkerLauncher {
  constructor(private readonly entry: string = fileURLToPath(new URL('./analysis-worker.js', import.meta.url))) {}

  launch(): WorkerChannel {
    const child = fork(this.entry, [], {
      // Structured clone carries image bytes as they are, not as JSON arrays of numbers.
      serialization: 'advanced',
      execArgv: [`--max-old-space-size=${WORKER_HEAP_MB}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // The worker reports failures through messages; its stderr is kept off the terminal but drained.
    child.stderr?.resume();
    lowerPriority(child.pid);
    return {
      pid: child.pid,
      send: (message) => {
        if (child.connected) child.send(message as object);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.once('exit', (code, signal) => listener(code, signal)),
      kill: () => child.kill('SIGKILL'),
    };
  }
}
