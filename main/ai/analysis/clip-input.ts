import type { ClipView } from '../../../contract/clips.js';
import { renderedText } from '../../library/export/export-text.js';
import type { Library } from '../../library/library.js';
import { renderEditedImage } from '../../library/render/image-render.js';
import type { AnalysisTask, TaskModels } from '../worker/worker-protocol.js';

/**
 * What the worker gets for one clip: the picture as the person sees it (crop, rotation and
 * redactions burned in, so redacted text is never recognised nor searchable), a video's
 * original, a text clip's edited text.
 */
export async function readClipForAnalysis(library: Library, clip: ClipView, models: TaskModels): Promise<AnalysisTask> {
  const base = { clipId: clip.id, sourceName: clip.sourceName, models };
  switch (clip.kind) {
    case 'image': {
      if (clip.edited) {
        const rendered = await renderEditedImage(library, clip.id, 'png');
        return { ...base, kind: 'image', mime: rendered.mime, bytes: rendered.bytes, text: '' };
      }
      return { ...base, kind: 'image', mime: clip.media!.mime, bytes: await library.blobs.readAll(clip.media!.blob), text: '' };
    }
    case 'video':
      return { ...base, kind: 'video', mime: clip.media!.mime, bytes: await library.blobs.readAll(clip.media!.blob), text: '' };
    case 'text':
      return { ...base, kind: 'text', mime: 'text/plain', bytes: new Uint8Array(0), text: await renderedText(library, clip.id) };
  }
}
