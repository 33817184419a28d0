import exifr from 'exifr';
import { parseExifDateTime } from './capture-time.js';

const EXIF_APP1_PREFIX = Buffer.from('Exif\0\0', 'latin1');

/**
 * Capture time from an image's raw EXIF block (as sharp's metadata returns it for JPEG, PNG and WebP):
 * DateTimeOriginal, else CreateDate, each with its own offset tag when present.
 */
export async function exifCaptureTime(exif: Buffer | undefined): Promise<number | null> {
  if (exif === undefined || exif.length < 8) return null;
  // exifr recognises a bare TIFF structure but not the 'Exif\0\0' prefix that JPEG and WebP carry.
  const tiff = exif.subarray(0, EXIF_APP1_PREFIX.length).equals(EXIF_APP1_PREFIX) ? exif.subarray(EXIF_APP1_PREFIX.length) : exif;
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(tiff, {
      pick: ['DateTimeOriginal', 'OffsetTimeOriginal', 'CreateDate', 'OffsetTimeDigitized', 'OffsetTime'],
      reviveValues: false,
    })) as Record<string, unknown> | undefined;
  } catch {
    // Broken EXIF is common and harmless here: the caller falls back to the file time.
    return null;
  }
  if (!tags) return null;
  return (
    parseExifDateTime(tags['DateTimeOriginal'], tags['OffsetTimeOriginal'] ?? tags['OffsetTime']) ??
    parseExifDateTime(tags['CreateDate'], tags['OffsetTimeDigitized'] ?? tags['OffsetTime'])
  );
}
