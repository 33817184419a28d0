import path from 'node:path';
import { ModelStore } from '../models/model-store.js';
import { OCR_PIPELINE_VERSION } from '../ocr/ocr-models.js';
import { defaultModelsDir } from '../models/models-dir.js';
import type { TaskModels } from '../worker/worker-protocol.js';

/** The catalog's ids of the models analysis uses. */
export const OCR_MODEL_ID = 'pp-ocrv4';
export const CLIP_MODEL_ID = 'clip-vit-base-patch32';

/**
 * The models installed now, as the worker gets them: the OCR models always (they come with the
 * app), CLIP once the person has installed it. A model that is half-installed counts as absent.
 */
export async function installedAnalysisModels(store: ModelStore = new ModelStore({ dir: defaultModelsDir() })): Promise<TaskModels> {
  const ocrDir = await store.resolve(OCR_MODEL_ID);
  const clipDir = await store.resolve(CLIP_MODEL_ID);
  const ocr = store.model(OCR_MODEL_ID);
  const clip = store.model(CLIP_MODEL_ID);
  return {
    ocr: ocrDir ? { dir: ocrDir, model: { id: ocr.id, version: `${ocr.version}+${OCR_PIPELINE_VERSION}` } } : null,
    clip: clipDir ? { dir: clipDir, model: { id: clip.id, version: clip.version }, cacheDir: path.join(store.dir, '.cache', 'prompt-embeddings') } : null,
  };
}
