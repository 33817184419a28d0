// A large library made quickly for measuring the app: clips are written straight into the
// documents (no file probing), images share a few real originals and thumbnails.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ClipView } from '../../contract/clips.js';
import { SHARD_COUNT } from '../../main/library/documents/schema.js';
import { newClipId } from '../../main/library/ids.js';
import { toThumbnail } from '../../main/library/import/thumbnail.js';
import type { Library } from '../../main/library/library.js';
import { createBenchCorpus } from './bench-corpus.js';

const DISTINCT_IMAGES = 48;
const IMAGE_EVERY = 10;
const CLIPS_PER_SHARD_RUN = 100;
const BATCH = 1000;

export async function fillSyntheticLibrary(library: Library, count: number, span: { start: number; ms: number }): Promise<void> {
  const images = await storeImages(library);
  const corpus = createBenchCorpus();
  for (let first = 0; first < count; first += BATCH) {
    const clips: ClipView[] = [];
    for (let i = first; i < Math.min(count, first + BATCH); i++) {
      const capturedAt = span.start + Math.floor((i / count) * span.ms) + (i % 997) * 1000;
      const image = i % IMAGE_EVERY === 0 ? images[(i / IMAGE_EVERY) % images.length]! : null;
      const text = image ? '' : corpus.clipText(i);
      clips.push({
        id: newClipId(Math.floor(i / CLIPS_PER_SHARD_RUN) % SHARD_COUNT),
        kind: image ? 'image' : 'text',
        edited: null,
        title: corpus.title(i),
        notes: '',
        tags: i % 50 === 0 ? ['work'] : [],
        collections: [],
        capturedAt,
        importedAt: capturedAt,
        updatedAt: capturedAt,
        deletedAt: null,
        contentHash: createHash('sha256').update(`synthetic clip ${i}`).digest('hex'),
        media: image,
        text,
        sourceName: image ? `shot-${i}.png` : `note-${i}.txt`,
      });
    }
    await library.addClips(clips);
  }
}

async function storeImages(library: Library): Promise<NonNullable<ClipView['media']>[]> {
  const media: NonNullable<ClipView['media']>[] = [];
  for (let i = 0; i < DISTINCT_IMAGES; i++) {
    const width = 800;
    const height = 500;
    const hue = (i * 360) / DISTINCT_IMAGES;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="hsl(${hue},60%,55%)"/><circle cx="${200 + i * 8}" cy="250" r="120" fill="hsl(${(hue + 180) % 360},70%,40%)"/><text x="40" y="460" font-size="48" fill="white">screenshot ${i}</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const original = await library.blobs.putBytes(png);
    const thumb = await library.blobs.putBytes(await toThumbnail(sharp(png)));
    media.push({ blob: original.hash, mime: 'image/png', size: png.length, width, height, thumb: thumb.hash });
  }
  return media;
}
