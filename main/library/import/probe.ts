import type { FileHandle } from 'node:fs/promises';
import { describeContentType, describeUnsupportedContent, sniffContentType, SNIFF_BYTES, type ContentType } from './content-type.js';
import { decodeText } from './decode-text.js';
import { extensionOf, isSameContainerFamily, mimeForExtension } from './extensions.js';
import { probeImage } from './image-probe.js';
import { DEFAULT_IMPORT_LIMITS, formatBytes, type ImportLimits } from './limits.js';
import { openRegularFile, readHead, readWhole } from './open-file.js';
import type { ProbedFile, ProbedText } from './probed-file.js';
import { ImportRejection } from './rejection.js';
import { probeVideo } from './video-probe.js';

// The public face of the import folder: the library imports everything from here.
export { sniffContentType } from './content-type.js';
export { decodeText } from './decode-text.js';
export { ffmpegPath } from './ffmpeg.js';
export { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits.js';
export type { ProbedFile } from './probed-file.js';
export { ImportRejection, type RejectionCode } from './rejection.js';
export { walkImportPaths } from './walk.js';

/**
 * Decides what a file is from its content, rejects what cannot be imported with a plain reason, and
 * returns what the library stores: metadata, capture time and a thumbnail. Stores nothing itself.
 */
export async function probeFile(filePath: string, limits: ImportLimits = DEFAULT_IMPORT_LIMITS): Promise<ProbedFile> {
  const { handle, stat } = await openRegularFile(filePath);
  try {
    return await probeOpenFile(filePath, handle, stat.size, limits);
  } finally {
    await handle.close();
  }
}

async function probeOpenFile(filePath: string, handle: FileHandle, size: number, limits: ImportLimits): Promise<ProbedFile> {
  if (size === 0) throw new ImportRejection('empty', 'the file is empty');
  const largestAllowed = Math.max(limits.maxImageBytes, limits.maxVideoBytes, limits.maxTextBytes);
  if (size > largestAllowed) throw tooLarge(size, largestAllowed, 'any file');

  const head = await readHead(handle, Math.min(size, SNIFF_BYTES));
  const extension = extensionOf(filePath);
  const promised = mimeForExtension(extension);
  const content = sniffContentType(head);
  if (!content) throw unrecognisedContent(head, extension, promised);
  if (content.kind === 'text') return probeTextFile(handle, size, extension, promised, limits);

  const warnings = mismatchWarning(content, extension, promised);
  if (content.kind === 'image') {
    if (size > limits.maxImageBytes) throw tooLarge(size, limits.maxImageBytes, 'images');
    const probed = await probeImage(await readWhole(handle, size), content.mime, limits);
    return { ...probed, warnings: [...warnings, ...probed.warnings] };
  }
  if (size > limits.maxVideoBytes) throw tooLarge(size, limits.maxVideoBytes, 'videos');
  const probed = await probeVideo(filePath, handle, size, content.mime, limits);
  return { ...probed, warnings: [...warnings, ...probed.warnings] };
}

async function probeTextFile(handle: FileHandle, size: number, extension: string, promised: string | null, limits: ImportLimits): Promise<ProbedText> {
  if (promised !== null && !promised.startsWith('text/')) {
    throw new ImportRejection('corrupt', `the name ends in ${extension} but the file contains text, not ${describeContentType(promised)}`);
  }
  if (promised === null && extension !== '') throw new ImportRejection('unsupported', `files ending in ${extension} are not supported`);
  if (size > limits.maxTextBytes) throw tooLarge(size, limits.maxTextBytes, 'text');
  const text = decodeText(await readWhole(handle, size));
  if (text.trim().length === 0) throw new ImportRejection('empty', 'the file contains no text, only white space');
  return { kind: 'text', mime: promised === 'text/markdown' ? 'text/markdown' : 'text/plain', text, warnings: [] };
}

function unrecognisedContent(head: Buffer, extension: string, promised: string | null): ImportRejection {
  const known = describeUnsupportedContent(head);
  if (promised?.startsWith('text/')) {
    if (known) return new ImportRejection('unsupported', `the file is ${known}, not text`);
    return textDecodingFailure(head);
  }
  if (promised !== null) {
    if (known) return new ImportRejection('unsupported', `the file is ${known}, which is not supported, although the name ends in ${extension}`);
    return new ImportRejection('corrupt', `the name ends in ${extension} but the content is not recognisable as ${describeContentType(promised)}`);
  }
  return new ImportRejection('unsupported', known ? `the file is ${known}, which is not supported` : 'the file type is not supported');
}

/** Says whether the start of a would-be text file is binary or merely in an unsupported encoding. */
function textDecodingFailure(head: Buffer): ImportRejection {
  try {
    decodeText(head);
  } catch (error) {
    if (error instanceof ImportRejection) return error;
  }
  return new ImportRejection('unsupported', 'the file contains binary data, not text');
}

function mismatchWarning(content: ContentType, extension: string, promised: string | null): string[] {
  if (extension === '' || (promised !== null && isSameContainerFamily(promised, content.mime))) return [];
  return [`content is ${describeContentType(content.mime)} but the name ends in ${extension}`];
}

function tooLarge(size: number, limit: number, what: string): ImportRejection {
  return new ImportRejection('too-large', `the file is ${formatBytes(size)}, over the ${formatBytes(limit)} limit for ${what}`);
}
