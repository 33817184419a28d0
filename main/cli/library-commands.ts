import path from 'node:path';
import { EXPORT_FORMATS, type ExportFormat } from '../../contract/api.js';
import { CLIP_KINDS, type ClipKind, type ClipQuery } from '../../contract/clips.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { importFiles, importText, type ImportEvent } from '../library/importer.js';
import type { Library } from '../library/library.js';
import { changeClipTags, editClipFields, moveClipToTrash, restoreClip } from '../library/operations/clip-edits.js';
import { exportRendered } from '../library/export/export-rendered.js';
import { purgeTrash } from '../library/operations/purge.js';
import { reindexLibrary } from '../library/operations/reindex.js';
import { undoLastChange } from '../library/operations/undo.js';
import { verifyLibrary } from '../library/operations/verify.js';
import { formatClipDetails, formatClipRow, formatImportSummary, formatVerifyReport } from './format.js';
import { UsageError } from './parse-args.js';

type Handler = (library: Library, request: CommandRequest, output: CommandOutput, signal?: AbortSignal) => Promise<number>;

/** Commands that need the open library; they run in this process or in the instance holding it. */
export const LIBRARY_COMMANDS: Record<string, Handler> = {
  import: runImport,
  list: async (library, request, output) => printPage(library, { ...queryFromOptions(request) }, request, output),
  search: async (library, request, output) => printPage(library, { ...queryFromOptions(request), text: request.positionals.join(' ') }, request, output),
  show: async (library, request, output) => {
    const clip = library.get(positional(request, 0));
    output.stdout(json(request) ? `${JSON.stringify(clip)}\n` : `${formatClipDetails(clip)}\n`);
    return 0;
  },
  edit: async (library, request, output) => {
    const clip = await editClipFields(library, positional(request, 0), { title: stringOption(request, 'title'), notes: stringOption(request, 'notes') });
    output.stdout(json(request) ? `${JSON.stringify(clip)}\n` : `edited ${clip.id}\n`);
    return 0;
  },
  tag: async (library, request, output) => {
    const clip = await changeClipTags(library, positional(request, 0), { add: listOption(request, 'add'), remove: listOption(request, 'remove') });
    output.stdout(json(request) ? `${JSON.stringify(clip)}\n` : `${clip.id}  tags: ${clip.tags.join(', ') || '(none)'}\n`);
    return 0;
  },
  delete: async (library, request, output) => {
    const clip = await moveClipToTrash(library, positional(request, 0));
    output.stdout(json(request) ? `${JSON.stringify(clip)}\n` : `moved ${clip.id} to the trash (restore with: clipshot restore ${clip.id})\n`);
    return 0;
  },
  restore: async (library, request, output) => {
    const clip = await restoreClip(library, positional(request, 0));
    output.stdout(json(request) ? `${JSON.stringify(clip)}\n` : `restored ${clip.id}\n`);
    return 0;
  },
  undo: async (library, request, output) => {
    const { clip, undone } = await undoLastChange(library, positional(request, 0));
    output.stdout(json(request) ? `${JSON.stringify(clip)}\n` : `undid the last ${undone} of ${clip.id}\n`);
    return 0;
  },
  purge: async (library, request, output) => {
    const report = await purgeTrash(library);
    output.stdout(json(request) ? `${JSON.stringify(report)}\n` : `purged ${report.clips} clip(s), freed ${report.blobsFreed} blob(s)\n`);
    return 0;
  },
  export: async (library, request, output, signal) => {
    const out = stringOption(request, 'out');
    if (!out) throw new UsageError('export: --out FILE is required');
    const format = request.options.original === true ? 'original' : exportFormatOption(request);
    await library.settleEdits();
    const result = await exportRendered(library, positional(request, 0), path.resolve(request.cwd, out), {
      ...(format && { format }),
      // Ctrl+C stops ffmpeg and leaves no half-written file.
      ...(signal && { signal }),
      onProgress: (fraction, stage) => progress(output, `exporting: ${stage} ${Math.round(fraction * 100)}%`),
    });
    clearProgress(output);
    library.audit.record({ kind: 'export', actor: { type: 'cli', id: 'clipshot' }, details: { clipId: library.resolveId(positional(request, 0)), bytes: result.bytes, format: format ?? 'default' } });
    output.stdout(json(request) ? `${JSON.stringify(result)}\n` : `wrote ${result.bytes} bytes to ${result.path}\n`);
    return 0;
  },
  reindex: async (library, request, output) => {
    const result = await reindexLibrary(library, ({ done, total }) => progress(output, `reindexing shard ${done}/${total}`));
    clearProgress(output);
    output.stdout(json(request) ? `${JSON.stringify(result)}\n` : `reindexed ${result.clips} clip(s) from ${result.shards} shard(s)\n`);
    return 0;
  },
  verify: async (library, request, output) => {
    const report = await verifyLibrary(library, ({ stage, done, total }) => progress(output, `verifying ${stage} ${done}/${total}`));
    clearProgress(output);
    output.stdout(json(request) ? `${JSON.stringify(report)}\n` : `${formatVerifyReport(report)}\n`);
    if (!report.ok && !json(request)) output.stderr('clipshot: verify found problems\n');
    return report.ok ? 0 : 1;
  },
};

async function runImport(library: Library, request: CommandRequest, output: CommandOutput, signal?: AbortSignal): Promise<number> {
  const asJson = json(request);
  const onEvent = (event: ImportEvent, counts: { done: number }): void => {
    if (asJson) output.stdout(`${JSON.stringify({ event: event.type, ...event, type: undefined })}\n`);
    else if (event.type === 'failed') output.stderr(`clipshot: ${event.path}: ${event.reason}\n`);
    else if (event.type === 'duplicate') progress(output, `${event.path}: already in the library as ${event.existingId}`);
    if (!asJson) progress(output, `importing… ${counts.done} file(s) done`);
  };
  const paths = request.positionals.filter((item) => item !== '-').map((item) => path.resolve(request.cwd, item));
  const report = paths.length > 0 ? await importFiles(library, paths, { onEvent, ...(signal && { signal }) }) : { imported: [], duplicates: [], failed: [], interrupted: false };
  if (request.positionals.includes('-')) {
    if (request.stdinText === undefined) throw new UsageError('import -: no text on stdin');
    const event = await importText(library, request.stdinText);
    onEvent(event, { done: report.imported.length + report.duplicates.length + report.failed.length + 1 });
    if (event.type === 'imported') report.imported.push(event);
    else if (event.type === 'duplicate') report.duplicates.push(event);
  }
  clearProgress(output);
  if (asJson) {
    output.stdout(`${JSON.stringify({ summary: { imported: report.imported.length, duplicates: report.duplicates.length, failed: report.failed.length } })}\n`);
  } else {
    for (const item of report.imported) output.stdout(`${item.id}  ${item.path}${item.warnings.length ? `  (${item.warnings.join('; ')})` : ''}\n`);
    output.stdout(`${formatImportSummary(report)}\n`);
  }
  if (report.interrupted) {
    output.stderr(`clipshot: import interrupted; ${report.imported.length} file(s) were imported and are kept\n`);
    return 130;
  }
  if (report.failed.length > 0) {
    output.stderr(`clipshot: ${report.failed.length} of ${report.failed.length + report.imported.length + report.duplicates.length} file(s) could not be imported\n`);
    return 1;
  }
  return 0;
}

function printPage(library: Library, query: ClipQuery, request: CommandRequest, output: CommandOutput): number {
  const page = library.query(query);
  if (json(request)) {
    output.stdout(`${JSON.stringify(page)}\n`);
    return 0;
  }
  for (const clip of page.items) output.stdout(`${formatClipRow(clip)}\n`);
  if (page.items.length === 0) output.stderr('no clips\n');
  if (page.nextCursor) output.stderr(`more: --cursor ${page.nextCursor}\n`);
  return 0;
}

function queryFromOptions(request: CommandRequest): ClipQuery {
  const kind = stringOption(request, 'kind');
  if (kind !== undefined && !(CLIP_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--kind must be one of ${CLIP_KINDS.join(', ')}`);
  const limitText = stringOption(request, 'limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) throw new UsageError('--limit must be a whole number from 1 to 1000');
  const query: ClipQuery = {};
  if (kind !== undefined) query.kind = kind as ClipKind;
  const tag = stringOption(request, 'tag');
  if (tag !== undefined) query.tag = tag;
  const collection = stringOption(request, 'collection');
  if (collection !== undefined) query.collection = collection;
  const from = stringOption(request, 'from');
  if (from !== undefined) query.from = parseDate(from, '--from');
  const to = stringOption(request, 'to');
  if (to !== undefined) query.to = parseDate(to, '--to');
  if (request.options['has-text'] === true) query.hasText = true;
  if (request.options.trash === true) query.trash = true;
  if (request.options.oldest === true) query.sort = 'oldest';
  if (limit !== undefined) query.limit = limit;
  const cursor = stringOption(request, 'cursor');
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

export function parseDate(text: string, option: string): number {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00`).getTime() : Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`${option}: not a date: ${text} (use YYYY-MM-DD or an ISO time)`);
  return time;
}

function positional(request: CommandRequest, index: number): string {
  const value = request.positionals[index];
  if (value === undefined) throw new UsageError(`${request.command}: missing argument`);
  return value;
}

function stringOption(request: CommandRequest, name: string): string | undefined {
  const value = request.options[name];
  return typeof value === 'string' ? value : undefined;
}

function listOption(request: CommandRequest, name: string): string[] {
  const value = request.options[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

function json(request: CommandRequest): boolean {
  return request.options.json === true;
}

function progress(output: CommandOutput, text: string): void {
  if (output.interactive) output.stderr(`\r\x1b[2K${text}`);
}

function clearProgress(output: CommandOutput): void {
  if (output.interactive) output.stderr('\r\x1b[2K');
}

function exportFormatOption(request: CommandRequest): ExportFormat | undefined {
  const format = stringOption(request, 'format');
  if (format === undefined) return undefined;
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`export: --format must be one of ${EXPORT_FORMATS.join(', ')}`);
  return format as ExportFormat;
}
