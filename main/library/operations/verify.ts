import { isDeepStrictEqual } from 'node:util';
import { SHARD_COUNT } from '../documents/schema.js';
import type { Library } from '../library.js';
import type { QuarantinedItem } from '../quarantine.js';
import { readShardContents } from '../shard-indexer.js';
import type { Progress } from './reindex.js';

export interface VerifyProblem {
  area: 'database' | 'index' | 'documents' | 'blobs';
  severity: 'error' | 'warning';
  message: string;
  clipId?: string;
}

export interface VerifyReport {
  ok: boolean;
  clips: number;
  shards: number;
  blobsChecked: number;
  unreferencedBlobs: number;
  quarantined: QuarantinedItem[];
  problems: VerifyProblem[];
}

/** Checks the database, the index against the documents, and every blob against its hash. */
export async function verifyLibrary(library: Library, onProgress?: (progress: Progress & { stage: string }) => void): Promise<VerifyReport> {
  await library.flush();
  const problems: VerifyProblem[] = [];
  const integrity = library.db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
  for (const row of integrity) {
    if (row.quick_check !== 'ok') problems.push({ area: 'database', severity: 'error', message: row.quick_check });
  }
  for (const message of library.index.checkIntegrity()) problems.push({ area: 'index', severity: 'error', message });

  // Only the count and the blobs in use are kept: holding every clip would grow with the library.
  let clipCount = 0;
  const referenced = new Map<string, string>();
  let shards = 0;
  for (let shard = 0; shard < SHARD_COUNT; shard++) {
    onProgress?.({ stage: 'documents', done: shard, total: SHARD_COUNT });
    if (!library.shards.isStored(shard)) continue;
    shards++;
    const contents = await library.shards.read(shard, (doc) => readShardContents(shard, doc));
    if ('invalid' in contents) {
      problems.push({ area: 'documents', severity: 'warning', message: `shard ${shard} is quarantined: ${contents.invalid}` });
      continue;
    }
    for (const clip of contents.clips) {
      clipCount++;
      if (clip.media) {
        referenced.set(clip.media.blob, clip.id);
        if (clip.media.thumb) referenced.set(clip.media.thumb, clip.id);
      }
      if (clip.edited?.thumb) referenced.set(clip.edited.thumb, clip.id);
      const indexed = library.index.get(clip.id);
      const { shard: _shard, ...indexedView } = indexed ?? { shard };
      if (!indexed) problems.push({ area: 'index', severity: 'error', message: `clip ${clip.id} is missing from the index (run reindex)`, clipId: clip.id });
      else if (!isDeepStrictEqual(indexedView, clip)) problems.push({ area: 'index', severity: 'error', message: `index entry of clip ${clip.id} differs from its document (run reindex)`, clipId: clip.id });
    }
  }
  const indexedCount = library.index.count({ trash: false }) + library.index.count({ trash: true });
  if (indexedCount !== clipCount) {
    problems.push({ area: 'index', severity: 'error', message: `the index holds ${indexedCount} clips, the documents ${clipCount} (run reindex)` });
  }

  const quarantined = library.quarantine.list();
  for (const item of quarantined) {
    problems.push({ area: 'documents', severity: 'warning', message: `quarantined entry ${item.entryKey} of document ${item.documentId}: ${item.reason}` });
  }

  let checked = 0;
  for (const [hash, clipId] of referenced) {
    onProgress?.({ stage: 'blobs', done: checked, total: referenced.size });
    const health = await library.blobs.check(hash);
    checked++;
    if (health !== 'ok') problems.push({ area: 'blobs', severity: 'error', message: `blob ${hash} of clip ${clipId} is ${health}`, clipId });
  }
  const referencedNames = new Set([...referenced.keys()].map((hash) => library.blobs.storedName(hash)));
  const unreferencedBlobs = (await library.blobs.listStoredNames()).filter((name) => !referencedNames.has(name)).length;
  if (unreferencedBlobs > 0) {
    problems.push({ area: 'blobs', severity: 'warning', message: `${unreferencedBlobs} stored blob(s) belong to no clip (purge frees them)` });
  }
  return {
    ok: problems.every((problem) => problem.severity !== 'error'),
    clips: clipCount,
    shards,
    blobsChecked: checked,
    unreferencedBlobs,
    quarantined,
    problems,
  };
}
