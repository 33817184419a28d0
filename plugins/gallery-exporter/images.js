// Thumbnails as data: URLs, so that the gallery is one file that needs nothing else.

const SIGNATURES = [
  { mime: 'image/png', matches: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { mime: 'image/jpeg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/gif', matches: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
  { mime: 'image/webp', matches: (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP' },
];

/** The image type the bytes start with, or null: only a picture a browser shows goes into the page. */
export function imageMime(bytes) {
  return SIGNATURES.find((signature) => bytes.length >= 12 && signature.matches(bytes))?.mime ?? null;
}

export function dataUrl(bytes) {
  const mime = imageMime(bytes);
  return mime === null ? null : `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/**
 * Each clip's thumbnail as a data: URL, by clip id. A thumbnail that cannot be read is left out
 * and logged: the gallery is still made, with the clip's text.
 */
export async function thumbnailUrls(clips, host) {
  const urls = new Map();
  for (const clip of clips) {
    if (!clip.thumb) continue;
    try {
      const url = dataUrl(await host.blobs.read(clip.thumb));
      if (url) urls.set(clip.id, url);
      else host.log('warn', `the thumbnail of ${clip.id} is not an image a browser shows; left out`);
    } catch (error) {
      host.log('warn', `could not read the thumbnail of ${clip.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return urls;
}

function ascii(bytes, start, end) {
  return String.fromCharCode(...bytes.subarray(start, end));
}
