import type { ClipboardImage, ClipboardReader } from './clipboard-reader.js';

/** What one copy puts on the clipboard. */
export interface ClipboardContent {
  text?: string;
  image?: ClipboardImage;
  filePaths?: string[];
  /** Other formats and their bytes: markers such as `org.nspasteboard.ConcealedType`, HTML. */
  formats?: Record<string, Uint8Array | string>;
  sourceApp?: string;
}

/**
 * A clipboard held in memory, with a change counter like macOS's: the clipboard of tests and of
 * hosts without a desktop. Formats are named like the Electron clipboard names them on Linux.
 */
export class MemoryClipboard implements ClipboardReader {
  #content: ClipboardContent = {};
  #changes = 0;

  /** Replaces the content, as a copy in some app does. */
  write(content: ClipboardContent): void {
    this.#content = content;
    this.#changes += 1;
  }

  clear(): void {
    this.write({});
  }

  async changeMarker(): Promise<string> {
    return String(this.#changes);
  }

  async formats(): Promise<string[]> {
    const { text, image, filePaths, formats } = this.#content;
    return [
      ...(text !== undefined ? ['text/plain'] : []),
      ...(image ? [image.encoding === 'rgba' ? 'image/x-raw-rgba' : `image/${image.encoding}`] : []),
      ...(filePaths && filePaths.length > 0 ? ['text/uri-list'] : []),
      ...Object.keys(formats ?? {}),
    ];
  }

  async readFormat(format: string): Promise<Uint8Array | null> {
    const value = this.#content.formats?.[format];
    if (value === undefined) return null;
    return typeof value === 'string' ? new TextEncoder().encode(value) : value;
  }

  async readText(): Promise<string | null> {
    return this.#content.text ?? null;
  }

  async readImage(): Promise<ClipboardImage | null> {
    return this.#content.image ?? null;
  }

  async readFilePaths(): Promise<string[]> {
    return [...(this.#content.filePaths ?? [])];
  }

  async sourceApp(): Promise<string | null> {
    return this.#content.sourceApp ?? null;
  }
}
