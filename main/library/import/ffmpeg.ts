import { spawn } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';

/** The bundled ffmpeg; in a packaged app it lives outside the asar archive, since a binary inside cannot be run. */
export function ffmpegPath(): string {
  return ffmpegInstaller.path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

export interface FfmpegRun {
  exitCode: number | null;
  timedOut: boolean;
  /** The start of stderr, then (if it was long) its end; enough for the header dump and the final error. */
  stderr: string;
  stdout: Buffer;
  stdoutOverflowed: boolean;
}

export interface FfmpegRunOptions {
  timeoutMs: number;
  maxStdoutBytes?: number;
}

const STDERR_HEAD_BYTES = 256 * 1024;
const STDERR_TAIL_BYTES = 8 * 1024;

/** Runs ffmpeg with an argument array (never through a shell), killed when it outlives the timeout. */
export function runFfmpeg(args: string[], options: FfmpegRunOptions): Promise<FfmpegRun> {
  const maxStdout = options.maxStdoutBytes ?? 0;
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stderr = new BoundedText(STDERR_HEAD_BYTES, STDERR_TAIL_BYTES);
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutOverflowed = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);

    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutBytes + chunk.length > maxStdout) {
        stdoutOverflowed = true;
        child.kill('SIGKILL');
        return;
      }
      stdoutBytes += chunk.length;
      stdout.push(chunk);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, timedOut, stderr: stderr.text(), stdout: Buffer.concat(stdout), stdoutOverflowed });
    });
  });
}

/** Keeps the first `headBytes` and the last `tailBytes` of a stream, however long it gets. */
class BoundedText {
  #head: Buffer[] = [];
  #headBytes = 0;
  #tail = Buffer.alloc(0);
  #dropped = false;

  constructor(
    private readonly headLimit: number,
    private readonly tailLimit: number,
  ) {}

  add(chunk: Buffer): void {
    const room = this.headLimit - this.#headBytes;
    if (room > 0) {
      const part = chunk.subarray(0, room);
      this.#head.push(part);
      this.#headBytes += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    const tail = Buffer.concat([this.#tail, chunk]);
    this.#dropped ||= tail.length > this.tailLimit;
    this.#tail = tail.subarray(Math.max(0, tail.length - this.tailLimit));
  }

  text(): string {
    const head = Buffer.concat(this.#head).toString('utf8');
    if (this.#tail.length === 0) return head;
    return `${head}${this.#dropped ? '\n[…]\n' : ''}${this.#tail.toString('utf8')}`;
  }
}
