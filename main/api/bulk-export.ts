import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import type { ExportFormat } from '../../contract/api.js';
import type { ClipView } from '../../contract/clips.js';
import { EXTENSION_OF_FORMAT, exportRendered } from '../library/export/export-rendered.js';
import { extensionForMime } from '../library/import/extensions.js';
import type { Library } from '../library/library.js';
import { baseName } from './media.js';
import { wipeFolder } from '../security/wipe.js';

/** Already compressed: stored in the zip as they are rather than deflated again. */
const STORED_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.gif', '.mp4', '.m4v', '.webm', '.mov']);
export const PROBLEMS_FILE = 'ClipShot export problems.txt';

export interface BulkExportContext {
  signal: AbortSignal;
  report(fraction: number, stage: string): void;
}

export interface BulkExportOutcome {
  written: { id: string; fileName: string }[];
  failed: { id: string; reason: string }[];
}

/**
 * What each clip is exported as: an unedited clip as its original file, byte for byte (nothing
 * is lost to re-encoding); an edited one rendered with its edits, in its kind's usual format
 * (an edited WebM stays WebM).
 */
export function bulkExportFormat(clip: ClipView): ExportFormat {
  if (clip.edited === null) return 'original';
  if (clip.kind === 'image') return 'png';
  if (clip.kind === 'video') return clip.media?.mime === 'video/webm' ? 'webm' : 'mp4';
  return 'txt';
}

/** Gives each clip a file name no other clip of the export has (nor, with `taken`, a file already there), case aside. */
export class UniqueFileNames {
  readonly #used = new Set<string>();

  constructor(private readonly taken: (name: string) => Promise<boolean> = async () => false) {}

  async nameFor(clip: ClipView, format: ExportFormat): Promise<string> {
    const extension = format === 'original' ? originalExtension(clip) : EXTENSION_OF_FORMAT[format];
    const base = baseName(clip);
    for (let copy = 1; ; copy++) {
      const name = copy === 1 ? `${base}${extension}` : `${base} (${copy})${extension}`;
      if (this.#used.has(name.toLowerCase()) || (await this.taken(name))) continue;
      this.#used.add(name.toLowerCase());
      return name;
    }
  }
}

function originalExtension(clip: ClipView): string {
  const fromSource = path.extname(clip.sourceName).toLowerCase();
  if (fromSource) return fromSource;
  if (clip.media) return extensionForMime(clip.media.mime);
  return '.txt';
}

/**
 * Exports clips into `folder`, each through exportRendered (so edits are applied), under unique
 * names that overwrite nothing already there. A clip that cannot be exported is listed with the
 * reason and the rest go on.
 */
export async function exportClipsToFolder(library: Library, ids: readonly string[], folder: string, context: BulkExportContext): Promise<BulkExportOutcome> {
  const names = new UniqueFileNames(async (name) => (await fs.stat(path.join(folder, name)).catch(() => null)) !== null);
  const outcome: BulkExportOutcome = { written: [], failed: [] };
  for (const [position, id] of ids.entries()) {
    context.signal.throwIfAborted();
    context.report(position / ids.length, `exporting ${position + 1} of ${ids.length}`);
    try {
      const clip = library.get(id);
      const format = bulkExportFormat(clip);
      const fileName = await names.nameFor(clip, format);
      await exportRendered(library, clip.id, path.join(folder, fileName), { format, signal: context.signal });
      library.audit.record({ kind: 'export', actor: { type: 'device', id: 'this-device' }, details: { clipId: clip.id, format } });
      outcome.written.push({ id: clip.id, fileName });
    } catch (error) {
      context.signal.throwIfAborted();
      outcome.failed.push({ id, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return outcome;
}

/**
 * Exports clips as one zip at `zipPath`: each is rendered into a private folder beside it, then
 * stored in the zip under its unique name. Clips that cannot be exported are listed, with the
 * reasons, in a text file inside the zip.
 */
export async function exportClipsAsZip(library: Library, ids: readonly string[], zipPath: string, context: BulkExportContext): Promise<BulkExportOutcome> {
  const items = await fs.mkdtemp(path.join(path.dirname(zipPath), 'items-'));
  try {
    const outcome = await exportClipsToFolder(library, ids, items, { signal: context.signal, report: (fraction, stage) => context.report(fraction * 0.8, stage) });
    context.report(0.8, 'writing the zip');
    const zip = new yazl.ZipFile();
    const output = createWriteStream(zipPath, { mode: 0o600 });
    const written = finished(zip.outputStream.pipe(output));
    for (const { fileName } of outcome.written) {
      zip.addFile(path.join(items, fileName), fileName, { compress: !STORED_EXTENSIONS.has(path.extname(fileName).toLowerCase()) });
    }
    if (outcome.failed.length > 0) {
      const lines = outcome.failed.map(({ id, reason }) => `${id}: ${reason}`);
      zip.addBuffer(Buffer.from(`${outcome.failed.length} clip(s) could not be exported:\n${lines.join('\n')}\n`, 'utf8'), PROBLEMS_FILE);
    }
    zip.end();
    await written;
    return outcome;
  } finally {
    await wipeFolder(items);
  }
}
