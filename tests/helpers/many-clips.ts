// Many text clips at once, written straight into the documents (as a large import would leave
// them), spread over every shard: for bulk operations and the timeline.
import { createHash } from 'node:crypto';
import type { ClipView } from '../../contract/clips.js';
import { SHARD_COUNT } from '../../main/library/documents/schema.js';
import { newClipId } from '../../main/library/ids.js';
import type { Library } from '../../main/library/library.js';

export interface ManyClipsOptions {
  /** Capture time of the first clip (ms); each next one is `stepMs` later. */
  start?: number;
  stepMs?: number;
  tags?: (index: number) => string[];
}

/** Adds `count` text clips titled "Clip 0001"…, one shard after another; returns their ids in creation order. */
export async function addTextClips(library: Library, count: number, options: ManyClipsOptions = {}): Promise<string[]> {
  const start = options.start ?? Date.UTC(2024, 0, 1);
  const step = options.stepMs ?? 3_600_000;
  const clips: ClipView[] = [];
  for (let i = 0; i < count; i++) {
    const capturedAt = start + i * step;
    const label = String(i + 1).padStart(4, '0');
    clips.push({
      id: newClipId(i % SHARD_COUNT),
      kind: 'text',
      title: `Clip ${label}`,
      notes: '',
      tags: options.tags?.(i) ?? [],
      collections: [],
      capturedAt,
      importedAt: capturedAt,
      updatedAt: capturedAt,
      deletedAt: null,
      contentHash: createHash('sha256').update(`many clips ${i} ${Math.random()}`).digest('hex'),
      media: null,
      text: `Text of clip ${label}`,
      sourceName: `clip-${label}.txt`,
      edited: null,
    });
  }
  await library.addClips(clips);
  return clips.map((clip) => clip.id);
}
