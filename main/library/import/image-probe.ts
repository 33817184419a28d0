import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { exifCaptureTime } from './exif-capture-time.js';
import type { ImportLimits } from './limits.js';
import type { ProbedImage } from './probed-file.js';
import { ImportRejection } from './rejection.js';
import { toThumbnail } from './thumbnail.js';

// Every imported image is decoded once, so libvips' operation cache only holds memory (up to 50 MB).
sharp.cache(false);

const FORMAT_NAMES: Record<string, string> = { 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/gif': 'GIF', 'image/webp': 'WebP' };

/** Reads an image's header, refuses decompression bombs before decoding, then decodes only the first frame for the thumbnail. */
export async function probeImage(bytes: Buffer, mime: string, limits: ImportLimits): Promise<ProbedImage> {
  const formatName = FORMAT_NAMES[mime] ?? 'image';
  // 'truncated' makes libvips fail on cut-off data instead of padding the missing rows with grey.
  const options: SharpOptions = { failOn: 'truncated', limitInputPixels: limits.maxImagePixels };
  // Reading the header decodes no pixels, so the size is checked here by hand, with a clear message.
  const metadata = await sharp(bytes, { ...options, limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw new ImportRejection('corrupt', `${formatName} data is truncated or corrupt`);
    });
  rejectOversized(metadata, limits);

  const thumbnail = await toThumbnail(sharp(bytes, { ...options, autoOrient: true })).catch((error: unknown) => {
    throw thumbnailFailure(error, formatName);
  });
  return {
    kind: 'image',
    mime,
    width: metadata.autoOrient.width,
    height: metadata.autoOrient.height,
    animated: (metadata.pages ?? 1) > 1,
    capturedAt: await exifCaptureTime(metadata.exif),
    thumbnail,
    warnings: [],
  };
}

function rejectOversized(metadata: Metadata, limits: ImportLimits): void {
  const { width, height } = metadata;
  if (!(width > 0 && height > 0)) throw new ImportRejection('corrupt', 'the image header declares no size');
  if (width * height > limits.maxImagePixels) {
    const megapixels = Number((limits.maxImagePixels / 1_000_000).toFixed(1));
    throw new ImportRejection('too-many-pixels', `image is ${width}×${height} pixels, over the ${megapixels}-megapixel limit`);
  }
}

function thumbnailFailure(error: unknown, formatName: string): ImportRejection {
  const message = error instanceof Error ? error.message : '';
  // The header check above should have caught this; the decoder's own limit is the backstop.
  if (/pixel limit/i.test(message)) return new ImportRejection('too-many-pixels', 'the image has more pixels than the limit allows');
  return new ImportRejection('corrupt', `${formatName} data is truncated or corrupt`);
}
