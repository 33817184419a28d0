import { ClipNotFoundError } from '../../library/errors.js';
import type { Library } from '../../library/library.js';
import { bumpClip, saveClipboardItem } from './clipboard-clips.js';
import type { ClipboardSink } from './clipboard-monitor.js';

/** Records clipboard items as clips of a library. */
export function clipboardLibrarySink(library: Library, now: () => number = Date.now): ClipboardSink {
  return {
    save: (item, details) => saveClipboardItem(library, item, { ...details, now: now() }),
    bump: async (clipId) => {
      try {
        if (library.get(clipId).deletedAt !== null) return false;
        await bumpClip(library, clipId, now());
        return true;
      } catch (error) {
        if (error instanceof ClipNotFoundError) return false;
        throw error;
      }
    },
  };
}
