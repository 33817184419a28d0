// The ClipboardReader over Electron's clipboard: thin, type-checked here, run only in the app.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { clipboard } from 'electron';
import type { ClipboardImage, ClipboardReader } from '../../capture/clipboard/clipboard-reader.js';
import { cachedProbe, probeForegroundApp } from '../../capture/foreground-app.js';
import { onceEachProblem } from '../../capture/os-probe.js';

const IMAGE_FORMATS = ['image/png', 'public.png', 'PNG'];
/** Copies come in bursts; a longer wait would put a copy made just after switching apps down to the app before. */
const SOURCE_APP_TTL_MS = 1000;

/**
 * Electron has no change counter (macOS's changeCount, Windows' sequence number and X11's XFixes
 * are not exposed), so the marker is a digest of the formats, the text, the HTML and, when a
 * picture is there, its size. Two pictures of one size copied one after another without any text
 * are told apart only by the formats: a native counter would close that gap.
 * The source app is not known to Electron either: it is the app with the focus when the copy is
 * seen, asked of the OS (main/capture/foreground-app.ts), once per second at most; null, and each
 * problem logged once, where the OS will not say.
 */
export function electronClipboardReader(): ClipboardReader {
  const report = onceEachProblem((words) => console.error(`ClipShot: ${words}`));
  const sourceApp = cachedProbe(async () => {
    const result = await probeForegroundApp(process.platform, process.env);
    if (result.ok) return result.value?.app ?? null;
    report(result.problem);
    return null;
  }, SOURCE_APP_TTL_MS);
  return {
    changeMarker: async () => {
      const formats = clipboard.availableFormats();
      const digest = createHash('sha256').update(formats.join('\n')).update('\0').update(clipboard.readText()).update('\0').update(clipboard.readHTML());
      if (formats.some((format) => format.startsWith('image/') || IMAGE_FORMATS.includes(format))) {
        const { width, height } = clipboard.readImage().getSize();
        digest.update(`\0${width}x${height}`);
      }
      return digest.digest('hex');
    },
    formats: async () => clipboard.availableFormats(),
    readFormat: async (format) => {
      const bytes = clipboard.readBuffer(format);
      return bytes.length > 0 ? new Uint8Array(bytes) : null;
    },
    readText: async () => clipboard.readText() || null,
    readImage: async (): Promise<ClipboardImage | null> => {
      // The PNG as the copying app wrote it, when there is one: no decode and encode on this thread.
      for (const format of IMAGE_FORMATS) {
        const png = clipboard.readBuffer(format);
        if (png.length > 8 && png[0] === 0x89 && png[1] === 0x50) return { encoding: 'png', bytes: new Uint8Array(png) };
      }
      const image = clipboard.readImage();
      if (image.isEmpty()) return null;
      const { width, height } = image.getSize();
      // BGRA on every platform Chromium runs on; sharp wants RGBA.
      const bitmap = image.toBitmap();
      for (let i = 0; i < bitmap.length; i += 4) {
        const blue = bitmap[i]!;
        bitmap[i] = bitmap[i + 2]!;
        bitmap[i + 2] = blue;
      }
      return { encoding: 'rgba', width, height, bytes: new Uint8Array(bitmap) };
    },
    readFilePaths: async () => {
      const uriList = clipboard.read('text/uri-list') || clipboard.read('public.file-url');
      if (uriList) return uriList.split(/\r?\n/).filter((line) => line.startsWith('file://')).map((line) => fileURLToPath(line.trim()));
      // Windows: a list of UTF-16 paths, each ended by NUL.
      const fileNames = clipboard.readBuffer('FileNameW');
      if (fileNames.length > 0) return fileNames.toString('utf16le').split('\0').filter((name) => name !== '');
      return [];
    },
    sourceApp,
  };
}
