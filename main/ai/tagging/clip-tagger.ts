// Zero-shot tagging with a local CLIP model through transformers.js: the image's embedding is
// compared with each label's prompt embeddings, and the vocabulary's rules turn the similarities
// into a few tags. Prompt embeddings are computed once per model and kept on disk; when every
// prompt is there, the text model is never even loaded.
import fs from 'node:fs/promises';
import path from 'node:path';
import type * as TransformersModule from '@huggingface/transformers';
import type { AnalysisImage, ModelRef, SuggestedTag } from '../../../contract/analysis.js';
import { compileVocabulary, scoreLabels, type CompiledVocabulary } from './label-rules.js';
import { TaggingError } from './tagging-errors.js';
import { readTextEmbeddings, textEmbeddingCacheFile, writeTextEmbeddings } from './text-embedding-cache.js';
import { VOCABULARY, type LabelDefinition } from './vocabulary.js';

// Types only: the module itself is imported when a model loads (it pulls in onnxruntime-node).
type Transformers = typeof TransformersModule;
type VisionModel = Awaited<ReturnType<Transformers['CLIPVisionModelWithProjection']['from_pretrained']>>;
type Processor = Awaited<ReturnType<Transformers['AutoProcessor']['from_pretrained']>>;

export interface ClipTaggerOptions {
  /** Where prompt embeddings are kept between loads. */
  readonly cacheDir: string;
  /** The installed model: results carry it, and the prompt cache is keyed by it. */
  readonly model: ModelRef;
  readonly vocabulary?: readonly LabelDefinition[];
  /** The softmax's sharpness; CLIP's trained value (100) unless a model needs another. */
  readonly logitScale?: number;
  /** At most this many tags per image (default 5). */
  readonly maxTags?: number;
  /** Prompts embedded per run of the text model. */
  readonly textBatchSize?: number;
}

export interface ClipTaggerLoadReport {
  readonly promptsFromCache: number;
  readonly promptsComputed: number;
  /** Set when the cache file existed but could not be used (it has been rewritten). */
  readonly cacheProblem?: string;
}

/**
 * Model file names by the suffix transformers.js gives each data type, most exact first. Not
 * fp16: its outputs are half floats, which this code does not read.
 */
const DTYPES = [
  { suffix: '', dtype: 'fp32' },
  { suffix: '_quantized', dtype: 'q8' },
  { suffix: '_int8', dtype: 'int8' },
  { suffix: '_uint8', dtype: 'uint8' },
  { suffix: '_q4', dtype: 'q4' },
] as const;
type DType = (typeof DTYPES)[number]['dtype'];

const CONFIG_FILES = ['config.json', 'preprocessor_config.json'] as const;
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

export class ClipTagger {
  private constructor(
    readonly model: ModelRef,
    readonly loadReport: ClipTaggerLoadReport,
    private readonly transformers: Transformers,
    private readonly processor: Processor,
    private readonly vision: VisionModel,
    private readonly vocabulary: CompiledVocabulary,
    /** One L2-normalised row per label, labels × dim. */
    private readonly labelMatrix: Float32Array,
    private readonly dim: number,
    private readonly options: ClipTaggerOptions,
  ) {}

  static async load(modelDir: string, options: ClipTaggerOptions): Promise<ClipTagger> {
    const dir = path.resolve(modelDir);
    const vocabulary = compileVocabulary(options.vocabulary ?? VOCABULARY);
    for (const name of CONFIG_FILES) await requireJson(dir, name);
    const { dtype, suffix } = await detectDtype(dir);

    const cacheFile = textEmbeddingCacheFile(options.cacheDir, options.model);
    const cached = await readTextEmbeddings(cacheFile, options.model);
    const missing = vocabulary.prompts.filter((prompt) => !cached.embeddings.has(prompt));

    const transformers = await loadTransformers();
    const [processorLoad, visionLoad] = await Promise.allSettled([
      loading(dir, 'preprocessor_config.json', () => transformers.AutoProcessor.from_pretrained(dir, { local_files_only: true })),
      loading(dir, `onnx/vision_model${suffix}.onnx`, () => transformers.CLIPVisionModelWithProjection.from_pretrained(dir, { local_files_only: true, dtype, device: 'cpu' })),
    ]);
    if (visionLoad.status === 'rejected') throw visionLoad.reason;
    const vision = visionLoad.value;
    if (processorLoad.status === 'rejected') {
      await vision.dispose();
      throw processorLoad.reason;
    }
    const processor = processorLoad.value;

    try {
      const embeddings = new Map(cached.embeddings);
      if (missing.length > 0) {
        const computed = await embedPrompts(transformers, dir, dtype, suffix, missing, options.textBatchSize ?? 32);
        computed.forEach((row, i) => embeddings.set(missing[i] ?? '', row));
        await writeTextEmbeddings(cacheFile, options.model, embeddings);
      } else if (cached.problem) {
        await writeTextEmbeddings(cacheFile, options.model, embeddings);
      }
      const { matrix, dim } = labelMatrix(vocabulary, embeddings);
      const report: ClipTaggerLoadReport = {
        promptsFromCache: vocabulary.prompts.length - missing.length,
        promptsComputed: missing.length,
        ...(cached.problem ? { cacheProblem: cached.problem } : {}),
      };
      return new ClipTagger(options.model, report, transformers, processor, vision, vocabulary, matrix, dim, options);
    } catch (error) {
      await vision.dispose();
      throw error;
    }
  }

  /** The image's CLIP embedding, L2-normalised. */
  async embedImage(image: AnalysisImage, signal?: AbortSignal): Promise<Float32Array> {
    signal?.throwIfAborted();
    checkImage(image);
    const raw = new this.transformers.RawImage(image.rgb, image.width, image.height, 3);
    const inputs = await this.processor(raw);
    signal?.throwIfAborted();
    const output = (await this.vision(inputs)) as { image_embeds?: { data: unknown; dims: number[] } };
    const embeds = output.image_embeds;
    if (!embeds || !(embeds.data instanceof Float32Array)) {
      throw new TaggingError(`the CLIP vision model of ${this.model.id} gives no float image_embeds output`, 'incompatible-model');
    }
    const vector = Float32Array.from(embeds.data);
    normalise(vector);
    return vector;
  }

  /** The best few tags for the image, best first. */
  async tag(image: AnalysisImage, signal?: AbortSignal): Promise<SuggestedTag[]> {
    const embedding = await this.embedImage(image, signal);
    return this.tagsForEmbedding(embedding);
  }

  /** Tags for an image embedding already computed (for example one kept for search). */
  tagsForEmbedding(embedding: Float32Array): SuggestedTag[] {
    if (embedding.length !== this.dim) {
      throw new TaggingError(
        `the CLIP model ${this.model.id} makes image embeddings of ${embedding.length} dimensions but text embeddings of ${this.dim}; its files do not belong together`,
        'incompatible-model',
      );
    }
    const labels = this.vocabulary.labels.length;
    const similarities = new Float32Array(labels);
    for (let l = 0; l < labels; l++) {
      let dot = 0;
      const offset = l * this.dim;
      for (let d = 0; d < this.dim; d++) dot += (this.labelMatrix[offset + d] ?? 0) * (embedding[d] ?? 0);
      similarities[l] = dot;
    }
    const scored = scoreLabels(this.vocabulary, similarities, {
      ...(this.options.logitScale !== undefined ? { logitScale: this.options.logitScale } : {}),
      ...(this.options.maxTags !== undefined ? { maxTags: this.options.maxTags } : {}),
    });
    return scored.map(({ tag, score }) => ({ tag, score, source: 'clip', model: this.model }));
  }

  async close(): Promise<void> {
    await this.vision.dispose();
  }
}

async function loadTransformers(): Promise<Transformers> {
  const transformers = await import('@huggingface/transformers');
  // Models come only from the folder given; nothing is fetched or copied to a cache of its own.
  const { env } = transformers;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.useBrowserCache = false;
  env.useWasmCache = false;
  return transformers;
}

async function embedPrompts(
  transformers: Transformers,
  dir: string,
  dtype: DType,
  suffix: string,
  prompts: readonly string[],
  batchSize: number,
): Promise<Float32Array[]> {
  for (const name of TOKENIZER_FILES) await requireJson(dir, name);
  const textFile = `onnx/text_model${suffix}.onnx`;
  await requireFile(dir, textFile);
  const tokenizer = await loading(dir, 'tokenizer.json', () => transformers.AutoTokenizer.from_pretrained(dir, { local_files_only: true }));
  const textModel = await loading(dir, textFile, () => transformers.CLIPTextModelWithProjection.from_pretrained(dir, { local_files_only: true, dtype, device: 'cpu' }));
  try {
    const rows: Float32Array[] = [];
    for (let start = 0; start < prompts.length; start += batchSize) {
      const batch = prompts.slice(start, start + batchSize);
      const inputs = tokenizer(batch, { padding: true, truncation: true });
      const output = (await textModel(inputs)) as { text_embeds?: { data: unknown; dims: number[] } };
      const embeds = output.text_embeds;
      if (!embeds || !(embeds.data instanceof Float32Array) || embeds.dims.length !== 2 || embeds.dims[0] !== batch.length) {
        throw new TaggingError(`the CLIP text model in ${dir} gives no float text_embeds output of one row per prompt`, 'incompatible-model');
      }
      const dim = embeds.dims[1] ?? 0;
      for (let i = 0; i < batch.length; i++) {
        const row = embeds.data.slice(i * dim, (i + 1) * dim);
        normalise(row);
        rows.push(row);
      }
    }
    return rows;
  } finally {
    // The text model is only needed for prompts never seen before: free it at once.
    await textModel.dispose();
  }
}

/** Each label's embedding: the normalised mean of its prompts' (CLIP's prompt ensembling). */
function labelMatrix(vocabulary: CompiledVocabulary, embeddings: ReadonlyMap<string, Float32Array>): { matrix: Float32Array; dim: number } {
  const dim = embeddings.get(vocabulary.prompts[0] ?? '')?.length ?? 0;
  const matrix = new Float32Array(vocabulary.labels.length * dim);
  vocabulary.labels.forEach((label, l) => {
    const row = matrix.subarray(l * dim, (l + 1) * dim);
    for (const prompt of label.prompts) {
      const embedding = embeddings.get(prompt);
      if (!embedding || embedding.length !== dim) throw new TaggingError(`prompt embeddings of different sizes for one model; delete the cache and load again`, 'incompatible-model');
      for (let d = 0; d < dim; d++) row[d] = (row[d] ?? 0) + (embedding[d] ?? 0);
    }
    normalise(row);
  });
  return { matrix, dim };
}

/** Scales to unit length in place; a zero vector stays zero (it matches nothing). */
function normalise(vector: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (vector[i] ?? 0) ** 2;
  if (sum === 0) return;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) * scale;
}

function checkImage(image: AnalysisImage): void {
  const { width, height, rgb } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new TaggingError(`cannot tag an image of ${width}×${height} pixels`, 'bad-image');
  }
  if (rgb.length !== width * height * 3) {
    throw new TaggingError(`the image's pixels (${rgb.length} bytes) do not fill ${width}×${height} RGB pixels`, 'bad-image');
  }
}

async function detectDtype(dir: string): Promise<{ dtype: DType; suffix: string }> {
  for (const { suffix, dtype } of DTYPES) {
    if (await exists(path.join(dir, 'onnx', `vision_model${suffix}.onnx`))) return { dtype, suffix };
  }
  throw new TaggingError(`no CLIP vision model in ${path.join(dir, 'onnx')} (looked for vision_model.onnx and its quantised variants)`, 'missing-file');
}

/** Reads a JSON file first ourselves, so a damaged one is named rather than reported deep inside transformers.js. */
async function requireJson(dir: string, name: string): Promise<void> {
  await requireFile(dir, name);
  try {
    JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
  } catch (error) {
    throw new TaggingError(`the CLIP model file ${name} in ${dir} is not valid JSON (${(error as Error).message})`, 'corrupt-model', { cause: error });
  }
}

async function requireFile(dir: string, name: string): Promise<void> {
  if (!(await exists(path.join(dir, name)))) throw new TaggingError(`the CLIP model in ${dir} is missing ${name}`, 'missing-file');
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Runs one transformers.js load, turning whatever it throws into an error that names the file. */
async function loading<T>(dir: string, file: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof TaggingError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new TaggingError(`the CLIP model file ${file} in ${dir} could not be loaded; it may be damaged or of another kind (${reason})`, 'corrupt-model', { cause: error });
  }
}
