import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Rect } from '../../../contract/capture/region.js';
import { importFiles } from '../../library/importer.js';
import type { Library } from '../../library/library.js';
import { joinSegments, type JoinedRecording } from './join-segments.js';
import { wipeFile, wipeFolder } from '../../security/wipe.js';

export interface SavedRecording {
  clipId: string;
  method: JoinedRecording['method'];
}

/**
 * Joins a recording's segments into one video and imports it through the library's own import
 * (probed, thumbnailed, deduplicated and synced like any video), named for when it was made.
 * The segments are removed once the clip is durable; if anything fails they stay, and the error
 * says so, so nothing recorded is lost. A `crop` (the recorded video's pixels) makes it a region's recording.
 */
export async function saveRecording(library: Library, segments: readonly string[], details: { startedAt: number; hasAudio: boolean; signal?: AbortSignal; crop?: Rect }): Promise<SavedRecording> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-recording-'));
  try {
    const output = path.join(work, `${recordingName(details.startedAt)}.webm`);
    const joined = await joinSegments(segments, output, { hasAudio: details.hasAudio, ...(details.signal && { signal: details.signal }), ...(details.crop && { crop: details.crop }) });
    const report = await importFiles(library, [joined.file], details.signal ? { signal: details.signal } : {});
    const imported = report.imported[0];
    const clipId = imported?.id ?? report.duplicates[0]?.existingId;
    if (!clipId) throw new Error(`the recording could not be saved: ${report.failed[0]?.reason ?? 'the import stopped'}`);
    await Promise.all(segments.map((segment) => wipeFile(segment)));
    return { clipId, method: joined.method };
  } finally {
    await wipeFolder(work);
  }
}

/** "Screen recording 2025-03-01 14.05.09", in local time like a screenshot's name. */
export function recordingName(at: number): string {
  const date = new Date(at);
  const two = (value: number) => String(value).padStart(2, '0');
  return `Screen recording ${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}.${two(date.getMinutes())}.${two(date.getSeconds())}`;
}
