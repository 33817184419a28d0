// The local provider: the installed on-device models behind the same AiProvider interface as the
// remote ones. It lives in the analysis worker, which holds the ONNX sessions.
import type { AiCapability, AnalysisImage, ModelRef, Recognition, SuggestedTag } from '../../../contract/analysis.js';
import type { AiProvider, TagContext } from '../ai-provider.js';
import type { OcrEngine } from '../ocr/engine.js';
import type { ClipTagger } from '../tagging/clip-tagger.js';
import type { TaskModels } from './worker-protocol.js';

/** Sessions stay loaded across clips, one per model folder. */
const engines = new Map<string, Promise<OcrEngine>>();
const taggers = new Map<string, Promise<ClipTagger>>();

export interface LocalProvider extends AiProvider {
  /** The OCR engine itself, for video frames. */
  ocrEngine(): Promise<OcrEngine> | null;
}

/** What the installed models can do: text always (tags from text), recognition with OCR, image tags and embeddings with CLIP. */
export function localProvider(models: TaskModels): LocalProvider {
  const capabilities = new Set<AiCapability>(['tag']);
  if (models.ocr) capabilities.add('recognise-text');
  if (models.clip) capabilities.add('embed');
  const ocr = (): Promise<OcrEngine> | null => (models.ocr ? cached(engines, models.ocr.dir, () => import('../ocr/engine.js').then(({ OcrEngine }) => OcrEngine.load({ modelDir: models.ocr!.dir, modelVersion: models.ocr!.model.version }))) : null);
  const clip = (): Promise<ClipTagger> | null =>
    models.clip ? cached(taggers, models.clip.dir, () => import('../tagging/clip-tagger.js').then(({ ClipTagger }) => ClipTagger.load(models.clip!.dir, { cacheDir: models.clip!.cacheDir, model: models.clip!.model }))) : null;

  return {
    id: 'local',
    capabilities,
    ocrEngine: ocr,
    async recogniseText(image: AnalysisImage, signal: AbortSignal): Promise<Recognition> {
      const engine = ocr();
      if (!engine) throw new Error('no text recognition model is installed');
      return (await engine).recognise(image, signal);
    },
    /** CLIP's labels for the picture (when installed), then tags from the recognised text and the picture's facts. */
    async tag(image: AnalysisImage, context: TagContext, signal: AbortSignal): Promise<SuggestedTag[]> {
      const tagger = clip();
      const tags = tagger && image.width > 0 ? await (await tagger).tag(image, signal) : [];
      const { textTags } = await import('../tagging/text-tags.js');
      return [...tags, ...textTags(context, image.width > 0 ? { width: image.width, height: image.height } : null)];
    },
    async embed(inputs: readonly (AnalysisImage | string)[], signal: AbortSignal): Promise<{ vectors: Float32Array[]; model: ModelRef }> {
      const tagger = clip();
      if (!tagger) throw new Error('no image model (CLIP) is installed');
      const loaded = await tagger;
      const vectors: Float32Array[] = [];
      for (const input of inputs) {
        if (typeof input === 'string') throw new Error('the local provider embeds pictures, not text');
        vectors.push(await loaded.embedImage(input, signal));
      }
      return { vectors, model: models.clip!.model };
    },
  };
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (!value) {
    value = load();
    value.catch(() => cache.delete(key));
    cache.set(key, value);
  }
  return value;
}
