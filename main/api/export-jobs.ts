import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError, type ExportProgress } from '../../contract/api.js';
import { fileMedia, type MediaFile } from './media.js';
import type { AuditRecorder } from '../security/audit/audit-log.js';
import { wipeFolder } from '../security/wipe.js';

/** Progress is reported at most this often (and always at the start and the end). */
const PROGRESS_INTERVAL_MS = 200;
/** A finished export can be downloaded for this long, then its file is deleted. */
export const EXPORT_KEPT_MS = 30 * 60 * 1000;

export interface ExportWorkContext {
  /** A private folder for this job's files. */
  folder: string;
  signal: AbortSignal;
  /** fraction 0..1, and what is being done now. */
  report(fraction: number, stage: string): void;
}

/**
 * One export's work: writes a file into `folder` and says which, with its type and the name to
 * save it as; or null when it wrote its files elsewhere (a folder the person chose) and there is
 * nothing to download.
 */
export type ExportWork = (context: ExportWorkContext) => Promise<{ path: string; mime: string; fileName: string } | null>;

interface Job {
  progress: ExportProgress;
  aborter: AbortController;
  folder: string;
  file: { path: string; mime: string; fileName: string; size: number } | null;
  expiry: NodeJS.Timeout | null;
}

/**
 * Long exports (a trimmed video, a GIF, a zip of clips): each runs in its own private temporary
 * folder, reports progress as events, can be cancelled, and its file can then be downloaded for
 * a while. Nothing of a cancelled or failed export is left behind.
 */
export class ExportJobs {
  readonly #jobs = new Map<string, Job>();
  readonly #settled = new Set<Promise<void>>();

  constructor(
    private readonly report: (progress: ExportProgress) => void,
    private readonly audit?: AuditRecorder,
  ) {}

  start(label: string, work: ExportWork): { jobId: string } {
    const jobId = randomBytes(16).toString('hex');
    const job: Job = {
      progress: { jobId, label, fraction: 0, stage: 'starting', finished: false, cancelled: false, error: null, fileName: null },
      aborter: new AbortController(),
      folder: '',
      file: null,
      expiry: null,
    };
    this.#jobs.set(jobId, job);
    this.report(structuredClone(job.progress));
    let lastReport = performance.now();
    const run = (async () => {
      job.folder = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-export-'));
      const file = await work({
        folder: job.folder,
        signal: job.aborter.signal,
        report: (fraction, stage) => {
          job.progress.fraction = Math.min(1, Math.max(0, fraction));
          job.progress.stage = stage;
          if (performance.now() - lastReport < PROGRESS_INTERVAL_MS) return;
          lastReport = performance.now();
          this.report(structuredClone(job.progress));
        },
      });
      job.aborter.signal.throwIfAborted();
      if (file) {
        const { size } = await fs.stat(file.path);
        job.file = { ...file, size };
        job.progress.fileName = file.fileName;
        this.audit?.record({ kind: 'export', actor: { type: 'device', id: 'this-device' }, details: { job: jobId, bytes: size } });
      }
      job.progress.fraction = 1;
      job.progress.stage = 'done';
    })()
      .catch(async (error: unknown) => {
        job.progress.cancelled = job.aborter.signal.aborted;
        job.progress.error = job.progress.cancelled ? null : error instanceof Error ? error.message : String(error);
        await this.#removeFiles(job);
      })
      .finally(() => {
        job.progress.finished = true;
        this.report(structuredClone(job.progress));
        job.expiry = setTimeout(() => void this.#forget(jobId), EXPORT_KEPT_MS);
        job.expiry.unref();
      });
    this.#settled.add(run);
    void run.finally(() => this.#settled.delete(run));
    return { jobId };
  }

  cancel(jobId: string): void {
    const job = this.#jobs.get(jobId);
    if (!job || job.progress.finished) throw new ApiError('not-found', `no running export ${jobId}`);
    job.aborter.abort();
  }

  /** The finished export's file, for download. */
  async open(jobId: string): Promise<MediaFile> {
    const job = this.#jobs.get(jobId);
    if (!job) throw new ApiError('not-found', `no export ${jobId} (exports are kept for ${EXPORT_KEPT_MS / 60000} minutes)`);
    if (!job.file) throw new ApiError(job.progress.finished ? 'not-found' : 'busy', job.progress.finished ? `export ${jobId} did not produce a file` : `export ${jobId} is still running`);
    return fileMedia(job.file.path, job.file.mime, job.file.fileName, job.file.size);
  }

  /** Cancels what runs and deletes every export's files. */
  async stopAll(): Promise<void> {
    for (const job of this.#jobs.values()) job.aborter.abort();
    await Promise.all(this.#settled);
    await Promise.all([...this.#jobs.keys()].map((jobId) => this.#forget(jobId)));
  }

  async #forget(jobId: string): Promise<void> {
    const job = this.#jobs.get(jobId);
    if (!job) return;
    this.#jobs.delete(jobId);
    if (job.expiry) clearTimeout(job.expiry);
    await this.#removeFiles(job);
  }

  async #removeFiles(job: Job): Promise<void> {
    // An export is clip content in the clear until the person saves it somewhere of their choosing.
    if (job.folder) await wipeFolder(job.folder);
    job.file = null;
  }
}
