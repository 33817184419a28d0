// What the clipboard monitor needs from a clipboard, and nothing more: the Electron clipboard in
// the app (main/app/capture/clipboard-electron.ts), an in-memory one in tests and headless hosts.

/** A picture as the clipboard holds it: encoded bytes, or raw pixels to be encoded. */
export type ClipboardImage =
  | { encoding: 'png' | 'jpeg' | 'webp' | 'gif'; bytes: Uint8Array }
  | { encoding: 'rgba'; width: number; height: number; bytes: Uint8Array };

export interface ClipboardReader {
  /**
   * Cheap to call on every poll, and different whenever the content may have changed: the OS's
   * change counter where one is reachable, else a digest of cheap reads. A spurious change costs
   * one full read; content folded by hash later keeps it from becoming a clip.
   */
  changeMarker(): Promise<string>;
  /** The formats (MIME types, pasteboard types, Windows format names) on the clipboard now. */
  formats(): Promise<string[]>;
  /** The raw bytes of one format (for the markers password managers set), or null. */
  readFormat(format: string): Promise<Uint8Array | null>;
  readText(): Promise<string | null>;
  readImage(): Promise<ClipboardImage | null>;
  /** Paths of copied files (a file manager's copy), or []. */
  readFilePaths(): Promise<string[]>;
  /** The app that wrote the clipboard, when the OS says (a bundle id, an executable name); else null. */
  sourceApp(): Promise<string | null>;
}
