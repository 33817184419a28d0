import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isErrno } from '../../security/atomic-file.js';
import { ModelError } from './model-errors.js';

/** Adds a file's bytes to `hash` (or a new SHA-256) and returns it. */
export async function hashFile(file: string, hash: Hash = createHash('sha256'), signal?: AbortSignal): Promise<Hash> {
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    signal?.throwIfAborted();
    hash.update(chunk);
  }
  return hash;
}

export async function sha256OfFile(file: string, signal?: AbortSignal): Promise<string> {
  return (await hashFile(file, undefined, signal)).digest('hex');
}

/**
 * Copies `source` to `target` (created, never overwritten), hashing the bytes as they are written,
 * and keeps the copy only if they are the expected ones. One read of the source.
 */
export async function copyVerified(source: string, target: string, expected: { size: number; sha256: string; label: string }, signal?: AbortSignal): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > expected.size) return done(new ModelError('size', `${expected.label} is larger than the catalog's ${expected.size} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(fs.createReadStream(source), counter, fs.createWriteStream(target, { flags: 'wx' }), ...(signal ? [{ signal }] : []));
    if (bytes !== expected.size) throw new ModelError('size', `${expected.label} has ${bytes} bytes, the catalog says ${expected.size}`);
    const digest = hash.digest('hex');
    if (digest !== expected.sha256) throw checksumError(expected.label, expected.sha256, digest);
    await syncFile(target);
  } catch (error) {
    await fs.promises.rm(target, { force: true });
    throw diskError(error, target);
  }
}

export function checksumError(label: string, expected: string, actual: string): ModelError {
  return new ModelError('checksum', `${label} does not match the catalog: SHA-256 ${actual}, expected ${expected}`);
}

/** A full disk is said as such; other errors pass unchanged. */
export function diskError(error: unknown, file: string): unknown {
  if (isErrno(error, 'ENOSPC') || isErrno(error, 'EDQUOT')) return new ModelError('disk-full', `the disk is full: cannot write ${file}`);
  if (error instanceof Error && error.name === 'AbortError') return new ModelError('aborted', `cancelled while writing ${file}`);
  return error;
}

/** So that a model folder renamed into place holds its bytes even after a power cut. */
export async function syncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
