import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
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
  /** What ffmpeg wrote to stdout, unless `onStdout` took it. */
  stdout: Buffer;
  stdoutOverflowed: boolean;
}

export interface FfmpegRunOptions {
  /** Killed when the whole run takes longer than this. */
  timeoutMs?: number;
  /** Killed when ffmpeg writes nothing (stdout or stderr) for this long: a long encode is fine, a hang is not. */
  stallTimeoutMs?: number;
  /** Collected stdout beyond this many bytes kills ffmpeg (`stdoutOverflowed`); default 0. */
  maxStdoutBytes?: number;
  /** Takes stdout chunk by chunk as it comes (decoded audio, `-progress pipe:1`) instead of collecting it. */
  onStdout?: (chunk: Buffer) => void;
  /** Each complete line of stderr as it comes (a packet dump can be far longer than what `stderr` keeps). */
  onStderrLine?: (line: string) => void;
  /** Kills ffmpeg; the run then rejects with the signal's reason once ffmpeg has exited. */
  signal?: AbortSignal;
}

const STDERR_HEAD_BYTES = 256 * 1024;
const STDERR_TAIL_BYTES = 8 * 1024;

/** Runs ffmpeg with an argument array (never through a shell), killed when it outlives its timeouts or is aborted. */
export function runFfmpeg(args: string[], options: FfmpegRunOptions): Promise<FfmpegRun> {
  const maxStdout = options.maxStdoutBytes ?? 0;
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stderr = new BoundedText(STDERR_HEAD_BYTES, STDERR_TAIL_BYTES);
    const lines = options.onStderrLine ? new LineSplitter(options.onStderrLine) : null;
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stdoutOverflowed = false;
    let timedOut = false;
    const kill = () => child.kill('SIGKILL');
    const expire = () => {
      timedOut = true;
      kill();
    };
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(expire, options.timeoutMs);
    let stallTimer = options.stallTimeoutMs === undefined ? undefined : setTimeout(expire, options.stallTimeoutMs);
    const alive = () => {
      if (stallTimer === undefined) return;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(expire, options.stallTimeoutMs);
    };
    const stopTimers = () => {
      clearTimeout(timer);
      clearTimeout(stallTimer);
      signal?.removeEventListener('abort', kill);
    };
    signal?.addEventListener('abort', kill, { once: true });

    child.stderr.on('data', (chunk: Buffer) => {
      alive();
      stderr.add(chunk);
      lines?.add(chunk);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      alive();
      if (options.onStdout) {
        options.onStdout(chunk);
        return;
      }
      if (stdoutBytes + chunk.length > maxStdout) {
        stdoutOverflowed = true;
        kill();
        return;
      }
      stdoutBytes += chunk.length;
      stdout.push(chunk);
    });
    child.on('error', (error) => {
      stopTimers();
      reject(error);
    });
    child.on('close', (exitCode) => {
      stopTimers();
      lines?.end();
      if (signal?.aborted) reject(signal.reason);
      else resolve({ exitCode, timedOut, stderr: stderr.text(), stdout: Buffer.concat(stdout), stdoutOverflowed });
    });
  });
}

/** Calls `onLine` with each complete line of a byte stream (\n or \r\n), and the unfinished last one at the end. */
class LineSplitter {
  #pending = '';
  readonly #decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {}

  add(chunk: Buffer): void {
    const lines = (this.#pending + this.#decoder.write(chunk)).split(/\r?\n/);
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  end(): void {
    this.#pending += this.#decoder.end();
    if (this.#pending) this.onLine(this.#pending);
    this.#pending = '';
  }
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
