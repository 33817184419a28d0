// Libraries for the sync benchmark, written straight into the documents: image clips that each
// have a thumbnail of their own (a new device must fetch every one), or text clips with no blobs
// at all (document sync alone, for the comparison with plain automerge-repo).
import { createHash, randomBytes } from 'node:crypto';
import type { ClipView } from '../../contract/clips.js';
import { SHARD_COUNT } from '../../main/library/documents/schema.js';
import { newClipId } from '../../main/library/ids.js';
import type { Library } from '../../main/library/library.js';
import { createBenchCorpus } from './bench-corpus.js';

const BATCH = 1000;
/** About what a real grid thumbnail (WebP) weighs. */
const THUMBNAIL_BYTES = 6 * 1024;
const SHARED_ORIGINALS = 8;

export async function fillSyncLibrary(library: Library, count: number, kind: 'image' | 'text'): Promise<void> {
  const corpus = createBenchCorpus();
  const originals = kind === 'image' ? await storeOriginals(library) : [];
  const start = Date.now() - 365 * 24 * 3600 * 1000;
  for (let first = 0; first < count; first += BATCH) {
    const clips: ClipView[] = [];
    for (let i = first; i < Math.min(count, first + BATCH); i++) {
      const capturedAt = start + i * 60_000;
      let media: ClipView['media'] = null;
      if (kind === 'image') {
        const thumb = await library.blobs.putBytes(randomBytes(THUMBNAIL_BYTES));
        media = { ...originals[i % originals.length]!, thumb: thumb.hash };
      }
      clips.push({
        id: newClipId(i % SHARD_COUNT),
        kind,
        edited: null,
        title: corpus.title(i),
        notes: '',
        tags: [],
        collections: [],
        capturedAt,
        importedAt: capturedAt,
        updatedAt: capturedAt,
        deletedAt: null,
        contentHash: createHash('sha256').update(`sync bench clip ${i}`).digest('hex'),
        media,
        text: kind === 'text' ? corpus.clipText(i) : '',
        sourceName: kind === 'image' ? `shot-${i}.png` : `note-${i}.txt`,
      });
    }
    await library.addClips(clips);
  }
}

async function storeOriginals(library: Library): Promise<Omit<NonNullable<ClipView['media']>, 'thumb'>[]> {
  const originals: Omit<NonNullable<ClipView['media']>, 'thumb'>[] = [];
  for (let i = 0; i < SHARED_ORIGINALS; i++) {
    const bytes = randomBytes(64 * 1024);
    const stored = await library.blobs.putBytes(bytes);
    originals.push({ blob: stored.hash, mime: 'image/png', size: bytes.length, width: 1280, height: 800 });
  }
  return originals;
}
