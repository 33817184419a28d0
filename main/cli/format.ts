import type { ClipView } from '../../contract/clips.js';
import type { ImportReport } from '../library/importer.js';
import type { VerifyReport } from '../library/operations/verify.js';

export function formatClipRow(clip: ClipView): string {
  const tags = clip.tags.length > 0 ? `  [${clip.tags.join(', ')}]` : '';
  const trash = clip.deletedAt !== null ? '  (trash)' : '';
  return `${clip.id}  ${clip.kind.padEnd(5)}  ${formatDate(clip.capturedAt)}  ${clip.title || '(untitled)'}${tags}${trash}`;
}

export function formatClipDetails(clip: ClipView): string {
  const lines = [
    `id:        ${clip.id}`,
    `kind:      ${clip.kind}`,
    `title:     ${clip.title}`,
    `captured:  ${formatDate(clip.capturedAt)}`,
    `imported:  ${formatDate(clip.importedAt)}`,
    `updated:   ${formatDate(clip.updatedAt)}`,
    `source:    ${clip.sourceName}`,
    `tags:      ${clip.tags.join(', ')}`,
    `collections: ${clip.collections.join(', ')}`,
    `hash:      ${clip.contentHash}`,
  ];
  if (clip.deletedAt !== null) lines.push(`trashed:   ${formatDate(clip.deletedAt)}`);
  if (clip.media) {
    const { mime, size, width, height, durationMs } = clip.media;
    const dimensions = width && height ? `, ${width}×${height}` : '';
    const duration = durationMs !== undefined ? `, ${(durationMs / 1000).toFixed(1)} s` : '';
    lines.push(`media:     ${mime}, ${formatBytes(size)}${dimensions}${duration}`);
  }
  if (clip.notes) lines.push('notes:', indent(clip.notes));
  if (clip.text) lines.push('text:', indent(clip.text.length > 2000 ? `${clip.text.slice(0, 2000)}…` : clip.text));
  return lines.join('\n');
}

export function formatImportSummary(report: ImportReport): string {
  const parts = [`${report.imported.length} imported`];
  if (report.duplicates.length > 0) parts.push(`${report.duplicates.length} duplicate(s) skipped`);
  if (report.failed.length > 0) parts.push(`${report.failed.length} failed`);
  return parts.join(', ');
}

export function formatVerifyReport(report: VerifyReport): string {
  const lines = report.problems.map((problem) => `${problem.severity}: ${problem.area}: ${problem.message}`);
  lines.push(
    `${report.ok ? 'ok' : 'problems found'}: ${report.clips} clip(s) in ${report.shards} shard(s), ${report.blobsChecked} blob(s) checked, ` +
      `${report.unreferencedBlobs} unreferenced, ${report.quarantined.length} quarantined`,
  );
  return lines.join('\n');
}

export function formatDate(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
