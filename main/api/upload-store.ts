import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { ApiError } from '../../contract/api.js';
import { wipeFolder } from '../security/wipe.js';

/** Largest upload accepted; the importer has its own, smaller, per-kind limits. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Files a browser sent to `serve`, kept until imported. Each sits in its own folder under its
 * original name (the importer reads the extension and keeps the name as the clip's source).
 * Only the core process can read them (0600), and they are overwritten and deleted once imported.
 */
export class UploadStore {
  readonly #uploads = new Map<string, string>();

  constructor(private readonly dir: string) {}

  async receive(name: string, body: Readable): Promise<{ uploadId: string; size: number }> {
    const safeName = uploadFileName(name);
    const uploadId = randomBytes(16).toString('hex');
    const folder = path.join(this.dir, uploadId);
    await fs.mkdir(folder, { recursive: true, mode: 0o700 });
    const file = path.join(folder, safeName);
    let size = 0;
    try {
      const out = await fs.open(file, 'wx', 0o600);
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            size += chunk.length;
            if (size > MAX_UPLOAD_BYTES) throw new ApiError('invalid-request', `the file is larger than ${MAX_UPLOAD_BYTES} bytes`);
            yield chunk;
          }
        },
        out.createWriteStream(),
      );
    } catch (error) {
      await wipeFolder(folder);
      throw error;
    }
    this.#uploads.set(uploadId, file);
    return { uploadId, size };
  }

  /** The uploaded file's path; throws if the id is unknown or already taken. */
  take(uploadId: string): string {
    const file = this.#uploads.get(uploadId);
    if (!file) throw new ApiError('not-found', `no upload ${uploadId} (it was imported already, or the server restarted)`);
    this.#uploads.delete(uploadId);
    return file;
  }

  /** Overwrites and removes an upload (it holds clip content in the clear). */
  async discard(file: string): Promise<void> {
    await wipeFolder(path.dirname(file));
  }

  async clear(): Promise<void> {
    this.#uploads.clear();
    await wipeFolder(this.dir);
  }
}

/** The last path segment of a browser-given name, with nothing a file system could misread. */
export function uploadFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(-200);
  if (cleaned === '' || cleaned === '.' || cleaned === '..') throw new ApiError('invalid-request', `not a usable file name: ${JSON.stringify(name)}`);
  return cleaned;
}
