import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { checksumError, diskError, hashFile } from './file-hash.js';
import { ModelError } from './model-errors.js';

export interface DownloadRequest {
  url: string;
  size: number;
  sha256: string;
  /** Where the bytes go; what is already there is resumed from. */
  partFile: string;
  /** How messages name the file: "model-id/path". */
  label: string;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** As bytes arrive: how many of this file are on disk (a resumed part included), and how many just came. */
  onBytes?: (present: number, received: number) => void;
  /** No answer, or no byte of the body, for this long fails with 'timeout'. */
  idleTimeoutMs: number;
}

export interface DownloadResult {
  /** Bytes that were on disk before and were kept (the server honoured the range). */
  resumedFrom: number;
  /** Bytes received from the server this time. */
  transferredBytes: number;
}

const MAX_REDIRECTS = 5;

/**
 * Downloads one file into `partFile`, resuming what is already there with an HTTP range when the
 * server honours it (206 with the matching Content-Range) and starting over when it does not, then
 * checks the SHA-256 of the whole file. A wrong file is deleted; a cut, a timeout or a cancel keeps
 * the part for the next try.
 */
export async function downloadVerified(request: DownloadRequest, options: DownloadOptions): Promise<DownloadResult> {
  let present = await partSize(request.partFile);
  if (present > request.size) present = await restart(request.partFile);
  let hash = createHash('sha256');
  if (present > 0) await hashFile(request.partFile, hash, options.signal);
  let resumedFrom = present;
  let transferred = 0;

  if (present < request.size) {
    const { response, from } = await openBody(request, present, options);
    if (from !== present) {
      resumedFrom = present = await restart(request.partFile);
      hash = createHash('sha256');
    }
    const timer = idleTimer(options.idleTimeoutMs, () => response.destroy(timeoutError(request, present)));
    // Each chunk is written before the next is read, so that after a cut the part holds exactly
    // what arrived (a write stream would drop its queue when the response fails).
    const out = await fs.promises.open(request.partFile, from > 0 ? 'a' : 'w').catch((error: unknown) => {
      response.destroy();
      throw diskError(error, request.partFile);
    });
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        timer.reset();
        if (present + chunk.length > request.size) {
          await out.truncate(0);
          throw new ModelError('size', `${request.label}: the server sent more than the catalog's ${request.size} bytes`);
        }
        await out.write(chunk);
        present += chunk.length;
        transferred += chunk.length;
        hash.update(chunk);
        options.onBytes?.(present, chunk.length);
      }
    } catch (error) {
      response.destroy();
      throw describeFailure(diskError(error, request.partFile), request, present);
    } finally {
      timer.stop();
      await out.close();
    }
    if (present < request.size) throw new ModelError('network', `${request.label}: the server sent only ${present} of ${request.size} bytes; the part is kept and the next try resumes`);
  }

  const digest = hash.digest('hex');
  if (digest !== request.sha256) {
    await fs.promises.rm(request.partFile, { force: true });
    throw checksumError(request.label, request.sha256, digest);
  }
  return { resumedFrom, transferredBytes: transferred };
}

/**
 * The response whose body holds the file from `from` on, and where it really starts: 0 when the
 * server ignored the range (200) or answered a different one (asked again without a range).
 */
async function openBody(request: DownloadRequest, from: number, options: DownloadOptions): Promise<{ response: IncomingMessage; from: number }> {
  const response = await get(request, from, options);
  if (response.statusCode === 200) {
    expectLength(response, request.size, request);
    return { response, from: 0 };
  }
  if (response.statusCode === 206 && from > 0) {
    if (rangeMatches(response.headers['content-range'], from, request.size)) {
      expectLength(response, request.size - from, request);
      return { response, from };
    }
    response.destroy();
    return openBody(request, 0, options);
  }
  response.destroy();
  // The part no longer fits the file the server has: start over once.
  if (response.statusCode === 416 && from > 0) return openBody(request, 0, options);
  throw new ModelError('http', `${request.label}: the server answered ${response.statusCode} ${response.statusMessage ?? ''} for ${request.url}`.trimEnd(), response.statusCode);
}

function rangeMatches(header: string | undefined, from: number, size: number): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return false;
  return Number(match[1]) === from && Number(match[2]) === size - 1 && (match[3] === '*' || Number(match[3]) === size);
}

function expectLength(response: IncomingMessage, expected: number, request: DownloadRequest): void {
  const header = response.headers['content-length'];
  if (header === undefined || Number(header) === expected) return;
  response.destroy();
  throw new ModelError('size', `${request.label}: the server offers ${header} bytes where ${expected} were expected (is the catalog or the mirror out of date?)`);
}

/** A GET that follows redirects (keeping the range), with the idle timeout and the cancel applied until the headers arrive. */
function get(request: DownloadRequest, from: number, options: DownloadOptions): Promise<IncomingMessage> {
  const headers: http.OutgoingHttpHeaders = { 'user-agent': 'ClipShot', 'accept-encoding': 'identity' };
  if (from > 0) headers.range = `bytes=${from}-`;
  const attempt = (url: URL, redirects: number): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const req = client.get(url, { headers, ...(options.signal ? { signal: options.signal } : {}) });
      const timer = idleTimer(options.idleTimeoutMs, () => req.destroy(timeoutError(request, from)));
      req.on('error', (error) => {
        timer.stop();
        reject(describeFailure(error, request, from));
      });
      req.on('response', (response) => {
        timer.stop();
        const location = response.headers.location;
        if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400 && location) {
          response.resume();
          const next = new URL(location, url);
          if (redirects >= MAX_REDIRECTS) return reject(new ModelError('http', `${request.label}: too many redirects from ${request.url}`, response.statusCode));
          if (next.protocol !== 'https:' && (next.protocol !== 'http:' || url.protocol === 'https:')) {
            return reject(new ModelError('http', `${request.label}: refused a redirect from ${url.origin} to ${next.protocol}//${next.host}`, response.statusCode));
          }
          resolve(attempt(next, redirects + 1));
          return;
        }
        resolve(response);
      });
    });
  return attempt(new URL(request.url), 0);
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ERR_STREAM_PREMATURE_CLOSE']);

const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);

/** Turns socket and stream errors into a ModelError that says how far the file got. */
function describeFailure(error: unknown, request: DownloadRequest, present: number): unknown {
  if (error instanceof ModelError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new ModelError('aborted', `${request.label}: download cancelled at ${present} of ${request.size} bytes; the part is kept`);
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof Error && UNREACHABLE_CODES.has(code ?? '') && present === 0) {
    return new ModelError('network', `${request.label}: cannot reach ${new URL(request.url).host} (${code}); check the network, or use a mirror`);
  }
  if (error instanceof Error && (NETWORK_CODES.has(code ?? '') || error.message === 'aborted')) {
    return new ModelError('network', `${request.label}: the connection failed at ${present} of ${request.size} bytes (${code ?? error.message}); the part is kept and the next try resumes`);
  }
  return error;
}

function timeoutError(request: DownloadRequest, present: number): ModelError {
  return new ModelError('timeout', `${request.label}: the server sent nothing for too long (at ${present} of ${request.size} bytes); the part is kept and the next try resumes`);
}

function idleTimer(ms: number, onIdle: () => void): { reset(): void; stop(): void } {
  let timer = setTimeout(onIdle, ms);
  return {
    reset() {
      clearTimeout(timer);
      timer = setTimeout(onIdle, ms);
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

async function partSize(file: string): Promise<number> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch {
    return 0;
  }
}

async function restart(file: string): Promise<number> {
  await fs.promises.rm(file, { force: true });
  return 0;
}
