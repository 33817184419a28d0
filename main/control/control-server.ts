import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { onJsonLines, writeJsonLine } from './line-reader.js';
import { clientMessageSchema, MAX_MESSAGE_BYTES, type CommandOutput, type CommandRequest } from './protocol.js';
import { describeWait } from '../security/rate-limit/rate-limited-error.js';
import type { RateLimitPolicy } from '../security/rate-limit/rate-limit-policy.js';

/** `signal` aborts when the client disconnects before the command ends. */
export type CommandRunner = (request: CommandRequest, output: CommandOutput, signal: AbortSignal) => Promise<number>;

export interface ControlServerOptions {
  /** The library's limits once it is open (null before: the app takes the socket first). */
  limits?: () => RateLimitPolicy | null;
}

/** Every connection comes from the same user (the socket is owner-only), so they share one budget. */
const CONTROL_KEY = 'local-user';

export interface ControlServer {
  readonly socketPath: string;
  close(): Promise<void>;
}

/**
 * The local control socket of the process that has the library open: the CLI's commands run
 * here while the app or `serve` holds the library. Owner-only: the socket is created 0600 in
 * an owner-only place, so only the same user can reach it.
 */
export async function startControlServer(socketPath: string, run: CommandRunner, options: ControlServerOptions = {}): Promise<ControlServer> {
  await removeStaleSocket(socketPath);
  await fs.mkdir(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  const running = new Set<Promise<unknown>>();
  const server = net.createServer((socket) => {
    let started = false;
    onJsonLines(
      socket,
      MAX_MESSAGE_BYTES,
      (message) => {
        if (started) return;
        started = true;
        const parsed = clientMessageSchema.safeParse(message);
        if (!parsed.success) {
          writeJsonLine(socket, { type: 'stderr', text: `clipshot: bad control request: ${parsed.error.issues[0]?.message ?? 'invalid'}\n` });
          writeJsonLine(socket, { type: 'exit', code: 2 });
          socket.end();
          return;
        }
        const limits = options.limits?.() ?? null;
        const admission = limits?.limiter('control').admit(CONTROL_KEY) ?? { ok: true };
        if (!admission.ok) {
          limits!.tripped({ limit: 'control', key: CONTROL_KEY, actor: { type: 'cli', id: 'control-socket' }, action: 'refused', retryAfterMs: admission.retryAfterMs });
          writeJsonLine(socket, { type: 'stderr', text: `clipshot: too many commands in a short time through the running ClipShot; try again in ${describeWait(admission.retryAfterMs)}\n` });
          writeJsonLine(socket, { type: 'exit', code: 1 });
          socket.end();
          return;
        }
        const output: CommandOutput = {
          interactive: false,
          stdout: (text) => writeJsonLine(socket, { type: 'stdout', text }),
          stderr: (text) => writeJsonLine(socket, { type: 'stderr', text }),
        };
        // A client that goes away (Ctrl+C on `clipshot pair`) cancels what it was waiting for.
        const abandoned = new AbortController();
        socket.once('close', () => abandoned.abort());
        const task = run(parsed.data.request, output, abandoned.signal)
          .catch((error: unknown) => {
            output.stderr(`clipshot: ${error instanceof Error ? error.message : String(error)}\n`);
            return 1;
          })
          .then((code) => {
            writeJsonLine(socket, { type: 'exit', code });
            socket.end();
          })
          .finally(() => running.delete(task));
        running.add(task);
      },
      (reason) => {
        writeJsonLine(socket, { type: 'stderr', text: `clipshot: bad control request: ${reason}\n` });
        writeJsonLine(socket, { type: 'exit', code: 2 });
        socket.destroy();
      },
    );
    socket.on('error', () => socket.destroy());
  });
  const previousUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(previousUmask);
  }
  if (process.platform !== 'win32') await fs.chmod(socketPath, 0o600);
  return {
    socketPath,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...running]);
      await fs.rm(socketPath, { force: true });
    },
  };
}

/** A socket file left by a process that died: nobody answers on it, so it can go. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  if (process.platform === 'win32') return;
  const stat = await fs.lstat(socketPath).catch(() => null);
  if (!stat) return;
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath, () => {
      probe.destroy();
      resolve(true);
    });
    probe.on('error', () => resolve(false));
  });
  if (alive) throw new Error(`another ClipShot answers on ${socketPath}`);
  await fs.rm(socketPath, { force: true });
}
