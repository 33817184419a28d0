import { MAX_EDITABLE_TEXT_CHARS } from '../../contract/clip-rules.js';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClipKind, ClipView } from '../../contract/clips.js';
import { randomInt } from 'node:crypto';
import { SHARD_COUNT } from './documents/schema.js';
import { newClipId } from './ids.js';
import { probeImage } from './import/image-probe.js';
import { DEFAULT_IMPORT_LIMITS, ImportRejection, probeFile, walkImportPaths, type ImportLimits, type ProbedFile } from './import/probe.js';
import type { Library } from './library.js';

/** Text up to this size lives in the clip document itself; longer files keep their original as a blob too. */
export const INLINE_TEXT_CHARS = MAX_EDITABLE_TEXT_CHARS;
const BATCH_CLIPS = 200;
const BATCH_MILLISECONDS = 500;
const PROBE_CONCURRENCY = 4;
/**
 * Consecutive new clips share a shard for this many clips, so a batch touches a handful of
 * shard documents (each loaded, changed and saved once) rather than all of them; over a large
 * import the runs rotate through every shard and the shards stay balanced.
 */
const CLIPS_PER_SHARD_RUN = 100;

export type ImportEvent =
  | { type: 'imported'; path: string; id: string; kind: ClipKind; warnings: string[] }
  | { type: 'duplicate'; path: string; existingId: string }
  | { type: 'failed'; path: string; code: string; reason: string };

export interface ImportReport {
  imported: Extract<ImportEvent, { type: 'imported' }>[];
  duplicates: Extract<ImportEvent, { type: 'duplicate' }>[];
  failed: Extract<ImportEvent, { type: 'failed' }>[];
  /** The signal stopped the import; everything reported before it is kept. */
  interrupted: boolean;
}

export interface ImportOptions {
  limits?: ImportLimits;
  /** Called for every file once its outcome is final; 'imported' means durable on disk. */
  onEvent?: (event: ImportEvent, counts: { done: number }) => void;
  signal?: AbortSignal;
}

interface PreparedClip {
  clip: ClipView;
  path: string;
  warnings: string[];
}

/** Imports files and folders; a bad file is reported with its reason and the rest go on. */
export async function importFiles(library: Library, paths: string[], options: ImportOptions = {}): Promise<ImportReport> {
  const limits = options.limits ?? DEFAULT_IMPORT_LIMITS;
  const report: ImportReport = { imported: [], duplicates: [], failed: [], interrupted: false };
  let done = 0;
  const emit = (event: ImportEvent): void => {
    done++;
    if (event.type === 'imported') report.imported.push(event);
    else if (event.type === 'duplicate') report.duplicates.push(event);
    else report.failed.push(event);
    options.onEvent?.(event, { done });
  };

  const batch = new ImportBatch(library, emit);
  const inFlight = new Set<Promise<void>>();
  for await (const item of walkImportPaths(paths)) {
    if (options.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    if ('rejection' in item) {
      emit({ type: 'failed', path: item.path, code: item.rejection.code, reason: item.rejection.message });
      continue;
    }
    const task = prepareFile(library, item.path, limits)
      .then((prepared) => batch.add(prepared))
      .catch((error: unknown) => emit(failure(item.path, error)))
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= PROBE_CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await batch.commit();
  return report;
}

/** Imports one text (from stdin or the app) as a text clip. */
export async function importText(library: Library, text: string, details: { title?: string; sourceName?: string } = {}): Promise<ImportEvent> {
  if (text.trim().length === 0) throw new ImportRejection('empty', 'the text is empty');
  const now = Date.now();
  return importPrepared(library, {
    path: details.sourceName ?? 'stdin',
    warnings: [],
    clip: textClip(text, { title: details.title ?? firstLine(text), capturedAt: now, sourceName: details.sourceName ?? 'stdin' }),
  });
}

/** One clip made in memory, through the same batch as files (duplicate check, durable before reported). */
async function importPrepared(library: Library, prepared: PreparedClip): Promise<ImportEvent> {
  const events: ImportEvent[] = [];
  const batch = new ImportBatch(library, (event) => events.push(event));
  await batch.add(prepared);
  await batch.commit();
  return events[0]!;
}

class ImportBatch {
  #pending: PreparedClip[] = [];
  #hashes = new Map<string, string>();
  #startedAt = Date.now();
  #committing: Promise<void> = Promise.resolve();
  #shard = randomInt(SHARD_COUNT);
  #placedInShard = 0;

  constructor(
    private readonly library: Library,
    private readonly emit: (event: ImportEvent) => void,
  ) {}

  async add(prepared: PreparedClip): Promise<void> {
    const hash = prepared.clip.contentHash;
    const existing = this.#hashes.get(hash) ?? this.library.index.findByContentHash(hash).find((clip) => clip.deletedAt === null)?.id;
    if (existing) {
      this.emit({ type: 'duplicate', path: prepared.path, existingId: existing });
      return;
    }
    const clip = { ...prepared.clip, id: newClipId(this.#nextShard()) };
    this.#hashes.set(hash, clip.id);
    this.#pending.push({ ...prepared, clip });
    if (this.#pending.length >= BATCH_CLIPS || Date.now() - this.#startedAt >= BATCH_MILLISECONDS) await this.commit();
  }

  #nextShard(): number {
    if (this.#placedInShard === CLIPS_PER_SHARD_RUN) {
      this.#shard = (this.#shard + 1) % SHARD_COUNT;
      this.#placedInShard = 0;
    }
    this.#placedInShard++;
    return this.#shard;
  }

  /** Makes the batch durable, and only then reports its clips as imported. */
  commit(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#startedAt = Date.now();
    this.#committing = this.#committing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.library.addClips(batch.map((item) => item.clip));
      } catch (error) {
        for (const item of batch) this.emit(failure(item.path, error));
        return;
      } finally {
        for (const item of batch) this.#hashes.delete(item.clip.contentHash);
      }
      for (const item of batch) {
        this.emit({ type: 'imported', path: item.path, id: item.clip.id, kind: item.clip.kind, warnings: item.warnings });
      }
    });
    return this.#committing;
  }
}

async function prepareFile(library: Library, filePath: string, limits: ImportLimits): Promise<PreparedClip> {
  const probed = await probeFile(filePath, limits);
  const stat = await fs.stat(filePath);
  const sourceName = path.basename(filePath);
  const title = sourceName.replace(/\.[^.]+$/, '');
  const capturedAt = ('capturedAt' in probed && probed.capturedAt) || Math.round(stat.mtimeMs);
  if (probed.kind === 'text') return { path: filePath, warnings: probed.warnings, clip: await textFileClip(library, filePath, probed, { title, capturedAt, sourceName, limits }) };

  const maxBytes = probed.kind === 'image' ? limits.maxImageBytes : limits.maxVideoBytes;
  const original = await library.blobs.putFile(filePath, { maxBytes });
  return { path: filePath, warnings: probed.warnings, clip: await mediaClip(library, probed, original, { title, capturedAt, sourceName }) };
}

/** An image or video clip around its stored original, with the probe's facts and thumbnail. */
async function mediaClip(
  library: Library,
  probed: Exclude<ProbedFile, { kind: 'text' }>,
  original: { hash: string; size: number },
  details: { title: string; capturedAt: number; sourceName: string },
): Promise<ClipView> {
  const thumb = probed.thumbnail ? await library.blobs.putBytes(probed.thumbnail) : null;
  return {
    ...baseClip(probed.kind, { ...details, now: Date.now() }),
    contentHash: original.hash,
    media: {
      blob: original.hash,
      mime: probed.mime,
      size: original.size,
      width: probed.width,
      height: probed.height,
      ...(probed.kind === 'video' && { durationMs: probed.durationMs }),
      ...(thumb && { thumb: thumb.hash }),
    },
  };
}

/**
 * Imports an image made in memory (images combined into one) as an image clip, checked and
 * thumbnailed like an imported file, without its bytes ever touching the disk unencrypted.
 */
export async function importImageBytes(
  library: Library,
  bytes: Buffer,
  details: { title: string; sourceName: string; mime: string; capturedAt?: number; tags?: readonly string[] },
): Promise<ImportEvent> {
  const probed = await probeImage(bytes, details.mime, DEFAULT_IMPORT_LIMITS);
  const original = await library.blobs.putBytes(bytes);
  const clip = await mediaClip(library, probed, original, { title: details.title, capturedAt: details.capturedAt ?? Date.now(), sourceName: details.sourceName });
  return importPrepared(library, { path: details.sourceName, warnings: probed.warnings, clip: { ...clip, tags: [...(details.tags ?? [])] } });
}

async function textFileClip(
  library: Library,
  filePath: string,
  probed: Extract<ProbedFile, { kind: 'text' }>,
  details: { title: string; capturedAt: number; sourceName: string; limits: ImportLimits },
): Promise<ClipView> {
  const clip = textClip(probed.text, details);
  if (probed.text.length <= INLINE_TEXT_CHARS) return clip;
  const original = await library.blobs.putFile(filePath, { maxBytes: details.limits.maxTextBytes });
  return { ...clip, media: { blob: original.hash, mime: probed.mime, size: original.size } };
}

function textClip(text: string, details: { title: string; capturedAt: number; sourceName: string }): ClipView {
  return {
    ...baseClip('text', { ...details, now: Date.now() }),
    contentHash: createHash('sha256').update(text, 'utf8').digest('hex'),
    media: null,
    text: text.length <= INLINE_TEXT_CHARS ? text : text.slice(0, INLINE_TEXT_CHARS),
  };
}

function baseClip(kind: ClipKind, details: { title: string; capturedAt: number; sourceName: string; now: number }): Omit<ClipView, 'contentHash' | 'media' | 'text'> & { text: string } {
  return {
    id: '', // assigned when the clip joins a batch (it picks the shard)
    kind,
    title: details.title.slice(0, 500),
    notes: '',
    tags: [],
    collections: [],
    capturedAt: details.capturedAt,
    importedAt: details.now,
    updatedAt: details.now,
    deletedAt: null,
    text: '',
    sourceName: details.sourceName,
    edited: null,
  };
}

function firstLine(text: string): string {
  const line = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function failure(filePath: string, error: unknown): ImportEvent {
  if (error instanceof ImportRejection) return { type: 'failed', path: filePath, code: error.code, reason: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'failed', path: filePath, code: 'error', reason: message };
}
