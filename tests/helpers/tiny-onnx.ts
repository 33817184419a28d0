// Tiny ONNX models written by hand with onnx-proto, so tests run the real onnxruntime-node and
// transformers.js loading code without any downloaded weights. A model here is a few operators
// whose output a test can work out on paper.
import fs from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float' | 'int64';

export interface ValueSpec {
  readonly name: string;
  readonly type: ElemType;
  /** A number for a fixed size, a string for a named free dimension ('batch'). */
  readonly shape: readonly (number | string)[];
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer and integer-list attributes only: all the operators used here need. */
  readonly attributes?: Readonly<Record<string, number | readonly number[]>>;
}

export interface InitializerSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface GraphSpec {
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly nodes: readonly NodeSpec[];
  readonly initializers?: readonly InitializerSpec[];
  /** Default 13: the last opset where ReduceMean takes its axes as an attribute. */
  readonly opset?: number;
}

const ELEM_TYPES: Record<ElemType, number> = { float: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64 };

function valueInfo(spec: ValueSpec): onnxProto.onnx.IValueInfoProto {
  const dim = spec.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: spec.name, type: { tensorType: { elemType: ELEM_TYPES[spec.type], shape: { dim } } } };
}

function attribute(name: string, value: number | readonly number[]): onnxProto.onnx.IAttributeProto {
  return typeof value === 'number'
    ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
    : { name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...value] };
}

/** The serialised ModelProto of a single graph. */
export function buildOnnxModel(spec: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'clipshot-tests',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: 'tiny',
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
      node: spec.nodes.map((node, index) => ({
        name: `${node.op}_${index}`,
        opType: node.op,
        input: [...node.inputs],
        output: [...node.outputs],
        attribute: Object.entries(node.attributes ?? {}).map(([name, value]) => attribute(name, value)),
      })),
      initializer: (spec.initializers ?? []).map((init) => ({
        name: init.name,
        dims: [...init.dims],
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

// ---------------------------------------------------------------------------------------------
// A tiny CLIP, laid out like the Xenova CLIP repositories that transformers.js loads.

/** Special tokens, CLIP's names; their embeddings are zero so they never move a prompt. */
const SPECIAL_TOKENS = ['<|startoftext|>', '<|endoftext|>', '[UNK]'] as const;

export interface TinyClipSpec {
  /**
   * Each word the tokenizer knows and its embedding, all of one length D (the embedding size).
   * A prompt's embedding is the mean of its words' embeddings (unknown words and the special
   * tokens count as zero), so a prompt points where its meaningful words point.
   */
  readonly words: Readonly<Record<string, readonly number[]>>;
  /**
   * The vision model's projection from an image's mean colour to D dimensions (3 rows of D).
   * Pixels are normalised to [-1, 1], so a pure red image has mean colour (1, -1, -1). Default:
   * identity, which needs D = 3.
   */
  readonly projection?: readonly (readonly number[])[];
  /** '' writes text_model.onnx (fp32); '_quantized' writes the names transformers.js uses for q8. */
  readonly fileSuffix?: '' | '_quantized';
  /** Side of the square the processor resizes and crops to. Default 8. */
  readonly imageSize?: number;
}

export interface TinyClipFiles {
  readonly dir: string;
  readonly textModel: string;
  readonly visionModel: string;
}

/** Writes a tiny CLIP model folder (config, preprocessor, tokenizer, onnx/*.onnx) into `dir`. */
export async function writeTinyClipModel(dir: string, spec: TinyClipSpec): Promise<TinyClipFiles> {
  const words = Object.keys(spec.words);
  const dim = spec.words[words[0] ?? '']?.length ?? 0;
  if (dim === 0) throw new Error('a tiny CLIP needs at least one word with a non-empty embedding');
  for (const word of words) {
    if (spec.words[word]?.length !== dim) throw new Error(`word ${JSON.stringify(word)} has an embedding of another size`);
    if (word !== word.toLowerCase() || /\s/.test(word)) throw new Error(`word ${JSON.stringify(word)} must be one lower-case word`);
  }
  const projection = spec.projection ?? [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  if (projection.length !== 3 || projection.some((row) => row.length !== dim)) throw new Error(`the projection must be 3 rows of ${dim}`);
  const imageSize = spec.imageSize ?? 8;
  const suffix = spec.fileSuffix ?? '';

  const vocab: Record<string, number> = {};
  [...SPECIAL_TOKENS, ...words].forEach((token, id) => (vocab[token] = id));
  const table = new Float32Array(Object.keys(vocab).length * dim);
  words.forEach((word, index) => table.set(spec.words[word] ?? [], (SPECIAL_TOKENS.length + index) * dim));

  const textModel = buildOnnxModel({
    inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch_size', 'sequence_length'] }],
    outputs: [{ name: 'text_embeds', type: 'float', shape: ['batch_size', dim] }],
    initializers: [{ name: 'token_embedding', dims: [Object.keys(vocab).length, dim], data: table }],
    nodes: [
      { op: 'Gather', inputs: ['token_embedding', 'input_ids'], outputs: ['token_embeds'], attributes: { axis: 0 } },
      { op: 'ReduceMean', inputs: ['token_embeds'], outputs: ['text_embeds'], attributes: { axes: [1], keepdims: 0 } },
    ],
  });
  const visionModel = buildOnnxModel({
    inputs: [{ name: 'pixel_values', type: 'float', shape: ['batch_size', 3, 'height', 'width'] }],
    outputs: [{ name: 'image_embeds', type: 'float', shape: ['batch_size', dim] }],
    initializers: [{ name: 'visual_projection', dims: [3, dim], data: Float32Array.from(projection.flat()) }],
    nodes: [
      { op: 'ReduceMean', inputs: ['pixel_values'], outputs: ['mean_colour'], attributes: { axes: [2, 3], keepdims: 0 } },
      { op: 'MatMul', inputs: ['mean_colour', 'visual_projection'], outputs: ['image_embeds'] },
    ],
  });

  const files: Record<string, unknown> = {
    'config.json': {
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: dim,
      logit_scale_init_value: 2.6592,
      text_config: { model_type: 'clip_text_model', hidden_size: dim, projection_dim: dim, vocab_size: Object.keys(vocab).length, max_position_embeddings: 77 },
      vision_config: { model_type: 'clip_vision_model', hidden_size: dim, projection_dim: dim, image_size: imageSize, patch_size: imageSize },
    },
    'preprocessor_config.json': {
      image_processor_type: 'CLIPImageProcessor',
      feature_extractor_type: 'CLIPFeatureExtractor',
      do_resize: true,
      size: { shortest_edge: imageSize },
      resample: 3,
      do_center_crop: true,
      crop_size: { height: imageSize, width: imageSize },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
      do_convert_rgb: true,
    },
    'tokenizer_config.json': {
      tokenizer_class: 'CLIPTokenizer',
      model_max_length: 77,
      bos_token: '<|startoftext|>',
      eos_token: '<|endoftext|>',
      pad_token: '<|endoftext|>',
      unk_token: '[UNK]',
      do_lower_case: true,
    },
    'tokenizer.json': {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL_TOKENS.map((content) => ({
        id: vocab[content],
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<|startoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<|endoftext|>', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '<|startoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '<|endoftext|>', type_id: 0 } }],
        special_tokens: Object.fromEntries(SPECIAL_TOKENS.slice(0, 2).map((token) => [token, { id: token, ids: [vocab[token]], tokens: [token] }])),
      },
      decoder: null,
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
    },
  };

  await fs.mkdir(path.join(dir, 'onnx'), { recursive: true });
  for (const [name, content] of Object.entries(files)) await fs.writeFile(path.join(dir, name), JSON.stringify(content, null, 2));
  const textPath = path.join(dir, 'onnx', `text_model${suffix}.onnx`);
  const visionPath = path.join(dir, 'onnx', `vision_model${suffix}.onnx`);
  await fs.writeFile(textPath, textModel);
  await fs.writeFile(visionPath, visionModel);
  return { dir, textModel: textPath, visionModel: visionPath };
}
