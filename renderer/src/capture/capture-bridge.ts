// The overlay's one way out: its input (the frozen screen, the windows, the settings) and its
// output (a region and annotations to save, or a cancel). The desktop app provides the API through
// its preload, `clipshot serve` over a WebSocket; the overlay page does not care which.
import type { ClipShotApi } from '../../../contract/api.js';
import { captureScreenshotPath, type CaptureOverlayInput, type CaptureSaved, type CaptureTrigger } from '../../../contract/capture/capture.js';
import type { Rect } from '../../../contract/capture/region.js';
import type { Annotation } from '../../../contract/edits/annotations.js';
import { copyImageToClipboard } from '../clip/image-editor/copy-image.js';

export interface CaptureFinish {
  region: Rect;
  /** In the region's pixels (0, 0 is its top-left corner). */
  annotations: Annotation[];
  trigger: CaptureTrigger;
}

export interface CaptureBridge {
  input(): Promise<CaptureOverlayInput>;
  /** Where the frozen screen is loaded from. */
  readonly screenshotUrl: string;
  finish(request: CaptureFinish): Promise<CaptureSaved>;
  cancel(): Promise<void>;
  /**
   * Puts the saved clip's picture on the clipboard when the host could not (a browser has no
   * shell to do it); says why when it cannot either.
   */
  copySaved(saved: CaptureSaved): Promise<{ copied: true } | { copied: false; reason: string }>;
}

type CaptureApi = Pick<ClipShotApi, 'captureInput' | 'saveCapture' | 'cancelCapture' | 'mediaUrl'>;

export function apiCaptureBridge(api: CaptureApi, captureId: string, origin: string): CaptureBridge {
  return {
    input: () => api.captureInput({ captureId }),
    screenshotUrl: `${origin}${captureScreenshotPath(captureId)}`,
    finish: (request) => api.saveCapture({ captureId, ...request }),
    cancel: async () => {
      await api.cancelCapture({ captureId });
    },
    copySaved: async (saved) => {
      if (saved.copied) return { copied: true };
      if (!saved.clipId) return { copied: false, reason: 'in a browser, only a saved capture can be copied' };
      try {
        await copyImageToClipboard(api.mediaUrl(saved.clipId, { variant: 'rendered', format: 'png' }));
        return { copied: true };
      } catch (error) {
        return { copied: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
