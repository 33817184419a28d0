// The quick-access card's one way out. Its input (the clip's id, thumbnail and title) comes from
// the API; its actions go to the desktop app's shell (the preload's `clipshotQuickAccess`) or, in
// a browser on `clipshot serve`, to what a browser can do: open the clip in the app, copy the
// picture, offer it as a download. Pinning needs the desktop app.
import type { ClipShotApi } from '../../../contract/api.js';
import type { QuickAccessShell } from '../../../contract/capture/quick-access.js';
import { copyImageToClipboard } from '../clip/image-editor/copy-image.js';

export interface QuickAccessInput {
  clipId: string;
  thumbnailUrl: string;
  title: string;
}

export interface QuickAccessBridge {
  input(): Promise<QuickAccessInput>;
  annotate(): Promise<void>;
  /** Null where nothing can float a picture over the screen (a browser). */
  pin: (() => Promise<void>) | null;
  copy(): Promise<void>;
  dismiss(): void;
  /** The clip's picture as a file; null where the download link is the drag (a browser). */
  startDrag: (() => void) | null;
  readonly downloadUrl: string;
}

export type QuickAccessApi = Pick<ClipShotApi, 'getClip' | 'mediaUrl'>;

async function inputOf(api: QuickAccessApi, clipId: string): Promise<QuickAccessInput> {
  const clip = await api.getClip({ id: clipId });
  return { clipId, thumbnailUrl: api.mediaUrl(clipId, 'thumbnail'), title: clip.title };
}

/** In the desktop app: every action is the shell's. */
export function shellQuickAccessBridge(api: QuickAccessApi, shell: QuickAccessShell, clipId: string): QuickAccessBridge {
  return {
    input: () => inputOf(api, clipId),
    annotate: async () => shell.annotate(clipId),
    pin: async () => shell.pin(clipId),
    copy: async () => shell.copy(clipId),
    dismiss: () => shell.dismiss(clipId),
    startDrag: () => shell.startDrag(clipId),
    downloadUrl: api.mediaUrl(clipId, { variant: 'rendered', format: 'png' }, { download: true }),
  };
}

/** In a browser on `clipshot serve`: Annotate opens the clip in the app page, `close` ends the card. */
export function browserQuickAccessBridge(api: QuickAccessApi, clipId: string, navigate: (url: string) => void, close: () => void): QuickAccessBridge {
  return {
    input: () => inputOf(api, clipId),
    annotate: async () => navigate(`./#clip=${encodeURIComponent(clipId)}`),
    pin: null,
    copy: () => copyImageToClipboard(api.mediaUrl(clipId, { variant: 'rendered', format: 'png' })),
    dismiss: close,
    startDrag: null,
    downloadUrl: api.mediaUrl(clipId, { variant: 'rendered', format: 'png' }, { download: true }),
  };
}
