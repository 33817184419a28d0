// Bulk export (zip, folder), re-analysis, combining images and merging texts on a real library.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportProgress } from '../../../contract/api.js';
import { PROBLEMS_FILE } from '../../../main/api/bulk-export.js';
import { createApiService } from '../../../main/api/api-service.js';
import { importFiles } from '../../../main/library/importer.js';
import { MERGE_SEPARATOR } from '../../../main/library/bulk/made-clips.js';
import { toAnnotationDoc } from '../../../contract/edits/annotations.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { writePng } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function importPngs(test: TestCore, sizes: { width: number; height: number }[]): Promise<string[]> {
  const dir = await tempDir();
  const files = await Promise.all(sizes.map((size, i) => writePng(dir, `picture-${i + 1}.png`, i + 1, size)));
  const report = await importFiles(test.library, files);
  // importFiles reports in completion order; the files' order is what the tests mean.
  return files.map((file) => report.imported.find((event) => event.path === file)!.id);
}

async function finishedExport(test: TestCore, jobId: string): Promise<ExportProgress> {
  const events: ExportProgress[] = [];
  test.api.onEvent((event) => event.type === 'export-progress' && event.progress.jobId === jobId && events.push(event.progress));
  await expect.poll(() => events.some((event) => event.finished), { timeout: 20_000 }).toBe(true);
  return events.find((event) => event.finished)!;
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function zipEntries(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))));
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        readStream(stream)
          .then((content) => {
            entries.set(entry.fileName, content);
            zip.readEntry();
          })
          .catch(reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

describe('bulk export', () => {
  it('writes a zip with every clip under a unique name, originals byte for byte', async () => {
    core = await createTestCore();
    const [image] = await importPngs(core, [{ width: 40, height: 30 }]);
    const first = await core.api.importText({ text: 'First note', title: 'Note' });
    const second = await core.api.importText({ text: 'Second note', title: 'Note' });
    const { jobId } = await core.api.bulkExport({ selection: { ids: [image!, first.clipId, second.clipId] }, destination: 'zip' });
    const done = await finishedExport(core, jobId!);
    expect(done).toMatchObject({ error: null, cancelled: false, fileName: 'ClipShot 3 clips.zip' });

    const file = await core.service.openExport(jobId!);
    expect(file.mime).toBe('application/zip');
    const entries = await zipEntries(await readStream(await file.open()));
    expect([...entries.keys()].sort()).toEqual(['app (2).txt', 'app.txt', 'picture-1.png']);
    const texts = [entries.get('app.txt')!.toString(), entries.get('app (2).txt')!.toString()].sort();
    expect(texts).toEqual(['First note', 'Second note']);
    const clip = await core.api.getClip({ id: image! });
    expect(entries.get('picture-1.png')!.equals(await core.library.blobs.readAll(clip.media!.blob))).toBe(true);
  });

  it('lists in the zip the clips that could not be exported, and exports the rest', async () => {
    core = await createTestCore();
    const [image] = await importPngs(core, [{ width: 40, height: 30 }]);
    const note = await core.api.importText({ text: 'A note', title: 'Kept' });
    // A clip whose file is gone from the disk cannot be exported; the text clip still can.
    await fs.rm(path.join(core.library.paths.blobs), { recursive: true, force: true });
    const { jobId } = await core.api.bulkExport({ selection: { ids: [image!, note.clipId] }, destination: 'zip' });
    expect((await finishedExport(core, jobId!)).error).toBeNull();
    const entries = await zipEntries(await readStream(await (await core.service.openExport(jobId!)).open()));
    expect([...entries.keys()].sort()).toEqual([PROBLEMS_FILE, 'app.txt']);
    expect(entries.get(PROBLEMS_FILE)!.toString()).toMatch(new RegExp(`^1 clip\\(s\\) could not be exported:\n${image!}: \\S`));
    expect(entries.get('app.txt')!.toString()).toBe('A note');
  });

  it('exports into a folder the shell chooses, overwriting nothing; a browser window is told to use a zip', async () => {
    core = await createTestCore();
    const note = await core.api.importText({ text: 'Folder note', title: 'Folder' });
    await expect(core.api.bulkExport({ selection: { ids: [note.clipId] }, destination: 'folder' })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('export a zip instead') });

    const folder = await tempDir();
    await fs.writeFile(path.join(folder, 'app.txt'), 'already here');
    const desktop = createApiService(core.library, { allowPaths: true, chooseFolder: async () => folder });
    const events: ExportProgress[] = [];
    desktop.onEvent((event) => event.type === 'export-progress' && events.push(event.progress));
    const { jobId } = (await desktop.dispatch('bulkExport', { selection: { ids: [note.clipId] }, destination: 'folder' })) as { jobId: string };
    await expect.poll(() => events.find((event) => event.jobId === jobId && event.finished)).toMatchObject({ error: null, fileName: null });
    expect(await fs.readFile(path.join(folder, 'app.txt'), 'utf8')).toBe('already here');
    expect(await fs.readFile(path.join(folder, 'app (2).txt'), 'utf8')).toBe('Folder note');

    const cancelled = createApiService(core.library, { chooseFolder: async () => null });
    expect(await cancelled.dispatch('bulkExport', { selection: { ids: [note.clipId] }, destination: 'folder' })).toEqual({ jobId: null });
    await desktop.close();
    await cancelled.close();
  });
});

describe('combining images', () => {
  it('stitches images vertically or side by side into a new image clip of the right size and pixels', async () => {
    core = await createTestCore();
    const ids = await importPngs(core, [
      { width: 60, height: 40 },
      { width: 30, height: 50 },
    ]);
    const vertical = await core.api.combineImages({ selection: { ids }, layout: 'vertical' });
    expect(vertical.created).toBe(true);
    const made = await core.api.getClip({ id: vertical.clipId });
    expect(made).toMatchObject({ kind: 'image', title: 'Combined images — picture-1 and 1 more', media: { width: 60, height: 90, mime: 'image/png' } });
    expect(made.media!.thumb).toMatch(/^[0-9a-f]{64}$/);

    const pixels = await sharp(await core.library.blobs.readAll(made.media!.blob)).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...pixels.data.subarray((y * pixels.info.width + x) * 4, (y * pixels.info.width + x) * 4 + 4)];
    // writePng's colours: seed 1 and seed 2; the narrower second image is centred, transparent either side.
    expect(at(5, 5)).toEqual([67, 131, 29, 255]);
    expect(at(30, 60)).toEqual([134, 6, 58, 255]);
    expect(at(2, 60)[3]).toBe(0);

    const horizontal = await core.api.combineImages({ selection: { ids }, layout: 'horizontal' });
    expect((await core.api.getClip({ id: horizontal.clipId })).media).toMatchObject({ width: 90, height: 50 });
    // The same images the same way again make the same file: the existing clip is named, nothing new made.
    expect(await core.api.combineImages({ selection: { ids }, layout: 'horizontal' })).toEqual({ clipId: horizontal.clipId, created: false });
  });

  it('combines images as edited: turned, and with a solid box hiding what it covers', async () => {
    core = await createTestCore();
    const ids = await importPngs(core, [
      { width: 60, height: 40 },
      { width: 30, height: 50 },
    ]);
    await core.library.changeDetails(ids[0]!, `annotate ${ids[0]}`, (doc) => {
      doc.image.rotation = 90;
      doc.image.annotations.box = toAnnotationDoc({ id: 'box', kind: 'box', z: 1, createdAt: 1, color: '#000000', x: 0, y: 0, w: 60, h: 20 });
    });
    await core.library.settleEdits();
    const made = await core.api.combineImages({ selection: { ids }, layout: 'vertical' });
    const clip = await core.api.getClip({ id: made.clipId });
    // The first image turned a quarter: 40 × 60, over the second's 30 × 50.
    expect(clip.media).toMatchObject({ width: 40, height: 110 });
    const pixels = await sharp(await core.library.blobs.readAll(clip.media!.blob)).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => [...pixels.data.subarray((y * pixels.info.width + x) * 4, (y * pixels.info.width + x) * 4 + 3)];
    // The box covered the original's top 20 rows; turned clockwise, they are the right-hand 20 columns.
    expect(at(30, 10)).toEqual([0, 0, 0]);
    expect(at(30, 50)).toEqual([0, 0, 0]);
    expect(at(5, 10)).toEqual([67, 131, 29]);
  });

  it('refuses fewer than two images, and clips that are not images', async () => {
    core = await createTestCore();
    const [image] = await importPngs(core, [{ width: 10, height: 10 }]);
    const note = await core.api.importText({ text: 'not a picture' });
    const total = await core.api.countClips({});
    await expect(core.api.combineImages({ selection: { ids: [image!] }, layout: 'vertical' })).rejects.toMatchObject({ code: 'invalid-request', message: 'combining takes at least 2 clips' });
    await expect(core.api.combineImages({ selection: { ids: [image!, note.clipId] }, layout: 'vertical' })).rejects.toMatchObject({
      code: 'invalid-request',
      message: 'combining takes images only; 1 of the selected clips is not',
    });
    expect(await core.api.countClips({})).toBe(total);
  });
});

describe('merging texts', () => {
  it('joins text clips in the order given, clearly separated, into a new text clip', async () => {
    core = await createTestCore();
    const a = await core.api.importText({ text: 'Alpha words', title: 'A' });
    const b = await core.api.importText({ text: '  Beta words\n', title: 'B' });
    const c = await core.api.importText({ text: 'Gamma words', title: 'C' });
    const merged = await core.api.mergeTexts({ selection: { ids: [c.clipId, a.clipId, b.clipId] } });
    expect(merged.created).toBe(true);
    const clip = await core.api.getClip({ id: merged.clipId });
    expect(clip.kind).toBe('text');
    expect(clip.title).toBe('Merged text — C and 2 more');
    expect(clip.text).toBe(['Gamma words', 'Alpha words', 'Beta words'].join(MERGE_SEPARATOR));
    expect(MERGE_SEPARATOR).toBe('\n\n---\n\n');
  });

  it('refuses a selection with other kinds of clips in it', async () => {
    core = await createTestCore();
    const [image] = await importPngs(core, [{ width: 10, height: 10 }]);
    const note = await core.api.importText({ text: 'words' });
    await expect(core.api.mergeTexts({ selection: { ids: [note.clipId, image!] } })).rejects.toMatchObject({ code: 'invalid-request', message: 'merging takes text clips only; 1 of the selected clips is not' });
  });
});

describe('re-analysing', () => {
  it('reads each file afresh: wrong facts are corrected, as a change undo skips', async () => {
    core = await createTestCore();
    const [image] = await importPngs(core, [{ width: 48, height: 36 }]);
    const note = await core.api.importText({ text: 'text needs no file' });
    await core.library.changeClip(image!, 'derive', (entry) => {
      entry.media!.width = 1;
    });
    expect((await core.api.getClip({ id: image! })).media!.width).toBe(1);
    const result = await core.api.bulkReanalyse({ selection: { ids: [image!, note.clipId] } });
    expect(result).toMatchObject({ selected: 2, done: 2, failed: [], cancelled: false });
    expect((await core.api.getClip({ id: image! })).media).toMatchObject({ width: 48, height: 36 });
    // Not an edit of the person's: nothing to undo.
    await expect(core.api.undoClip({ id: image! })).rejects.toMatchObject({ code: 'invalid-edit' });
  });
});
