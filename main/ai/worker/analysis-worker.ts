// The analysis worker: a process of its own (a utility process in Electron, a forked child under
// Node) that holds the ONNX sessions and decodes images, so that analysis never blocks main or
// the UI and a crash in native code ends only this process. It never opens the library: each
// message brings one clip's bytes and the folders of the models to use.
import { analyseTask } from './analyse-task.js';
import { readHostMessage, type HostMessage, type WorkerMessage } from './worker-protocol.js';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

// Electron's utility process talks through process.parentPort; a forked child through process.send.
const electronPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
const send = (message: WorkerMessage): void => {
  if (electronPort) electronPort.postMessage(message);
  else process.send?.(message);
};

const running = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

function receive(raw: unknown): void {
  const read = readHostMessage(raw);
  if (!read.ok) {
    const requestId = typeof (raw as { requestId?: unknown } | null)?.requestId === 'number' ? (raw as { requestId: number }).requestId : -1;
    send({ type: 'failed', requestId, error: `the worker was sent a malformed request (${read.reason})` });
    return;
  }
  handle(read.message);
}

function handle(message: HostMessage): void {
  if (message.type === 'cancel') {
    running.get(message.requestId)?.abort(new Error('cancelled'));
    return;
  }
  const controller = new AbortController();
  running.set(message.requestId, controller);
  // One clip at a time: ONNX already spreads one inference over the cores.
  queue = queue.then(async () => {
    if (controller.signal.aborted) {
      send({ type: 'failed', requestId: message.requestId, error: 'cancelled' });
      return;
    }
    send({ type: 'started', requestId: message.requestId });
    try {
      const result = await analyseTask(message.task, controller.signal);
      send({ type: 'done', requestId: message.requestId, result });
    } catch (error) {
      send({ type: 'failed', requestId: message.requestId, error: error instanceof Error ? error.message : String(error) });
    } finally {
      running.delete(message.requestId);
    }
  });
}

if (electronPort) electronPort.on('message', (event) => receive(event.data));
else process.on('message', receive);
// The host going away (its IPC channel closed) ends the worker too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
