// Prompt embeddings on disk, one file per model (id and version), keyed by the prompt's text, so
// loading a tagger whose prompts were all seen before runs the text model not at all. The file is
// binary (a JSON header, then float32 rows) because ~400 rows of 512 floats is what a real
// vocabulary holds, and reading them must cost milliseconds.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ModelRef } from '../../../contract/analysis.js';
import { writeFileAtomically } from '../../library/export/write-atomically.js';

const MAGIC = 'CSTXTEMB';
const FORMAT = 1;

interface Header {
  readonly format: number;
  readonly model: ModelRef;
  readonly dim: number;
  readonly prompts: readonly string[];
}

export function textEmbeddingCacheFile(cacheDir: string, model: ModelRef): string {
  const readable = `${model.id}@${model.version}`.replace(/[^A-Za-z0-9._@-]+/g, '_').slice(0, 80);
  const digest = createHash('sha256').update(`${model.id}\0${model.version}`).digest('hex').slice(0, 12);
  return path.join(cacheDir, `clip-text-${readable}-${digest}.bin`);
}

export interface CachedEmbeddings {
  readonly embeddings: Map<string, Float32Array>;
  /** Why the file was ignored, when it exists but could not be used; it is rewritten on the next save. */
  readonly problem?: string;
}

export async function readTextEmbeddings(file: string, model: ModelRef): Promise<CachedEmbeddings> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { embeddings: new Map() };
    return { embeddings: new Map(), problem: `cannot read ${file}: ${(error as Error).message}` };
  }
  try {
    return { embeddings: decode(bytes, model) };
  } catch (error) {
    return { embeddings: new Map(), problem: `ignored the prompt embedding cache ${file}: ${(error as Error).message}` };
  }
}

function decode(bytes: Buffer, model: ModelRef): Map<string, Float32Array> {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) throw new Error('not a prompt embedding cache');
  const headerLength = bytes.readUInt32LE(8);
  const dataStart = align4(12 + headerLength);
  if (dataStart > bytes.length) throw new Error('the file is cut short');
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as Partial<Header>;
  if (header.format !== FORMAT) throw new Error(`format ${String(header.format)} is not ${FORMAT}`);
  if (header.model?.id !== model.id || header.model.version !== model.version) throw new Error('it belongs to another model');
  const { dim, prompts } = header;
  if (!Number.isInteger(dim) || (dim ?? 0) <= 0 || !Array.isArray(prompts) || !prompts.every((p) => typeof p === 'string')) throw new Error('bad header');
  const width = dim as number;
  if (bytes.length !== dataStart + prompts.length * width * 4) throw new Error('the file is cut short or too long');
  // One copy into an aligned buffer; the rows are views of it. Float32 in the machine's byte
  // order, which is little-endian on every platform ClipShot runs on.
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + dataStart, bytes.byteOffset + bytes.length));
  const embeddings = new Map<string, Float32Array>();
  prompts.forEach((prompt, i) => embeddings.set(prompt, data.subarray(i * width, (i + 1) * width)));
  return embeddings;
}

/** Writes all of `embeddings` (old and new) atomically: a reader sees the old file or the new one. */
export async function writeTextEmbeddings(file: string, model: ModelRef, embeddings: ReadonlyMap<string, Float32Array>): Promise<void> {
  const prompts = [...embeddings.keys()];
  const dim = embeddings.get(prompts[0] ?? '')?.length ?? 0;
  for (const [prompt, row] of embeddings) if (row.length !== dim) throw new RangeError(`prompt ${JSON.stringify(prompt)} has ${row.length} dimensions, not ${dim}`);
  const header = Buffer.from(JSON.stringify({ format: FORMAT, model: { id: model.id, version: model.version }, dim, prompts } satisfies Header));
  const dataStart = align4(12 + header.length);
  const bytes = Buffer.alloc(dataStart + prompts.length * dim * 4);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(header.length, 8);
  header.copy(bytes, 12);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset + dataStart, prompts.length * dim);
  prompts.forEach((prompt, i) => data.set(embeddings.get(prompt) ?? [], i * dim));

  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomically(file, bytes);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
