import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../../main/library/importer.js';
import { DEFAULT_IMPORT_LIMITS } from '../../../main/library/import/probe.js';
import { exportRendered } from '../../../main/library/export/export-rendered.js';
import { purgeTrash } from '../../../main/library/operations/purge.js';
import { moveClipToTrash } from '../../../main/library/operations/clip-edits.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';
import { writeAnimation, writeMov, writeMp4, writeNoisyImage, writeWebm } from '../import/fixtures.js';

describe('importing media into a library', () => {
  it('imports every supported format with metadata and a thumbnail, and exports the original byte for byte', async () => {
    const { library } = await createTestLibrary();
    const inbox = await tempDir();
    const files = [
      await writeNoisyImage(path.join(inbox, 'shot.png'), 'png'),
      await writeNoisyImage(path.join(inbox, 'photo.jpg'), 'jpeg'),
      await writeNoisyImage(path.join(inbox, 'still.webp'), 'webp'),
      await writeAnimation(path.join(inbox, 'loop.gif'), 'gif'),
      await writeMp4(path.join(inbox, 'clip.mp4')),
      await writeWebm(path.join(inbox, 'clip.webm'), 'libvpx'),
      await writeMov(path.join(inbox, 'clip.mov')),
    ];
    const progress: string[] = [];
    const report = await importFiles(library, [inbox], { onEvent: (event, { done }) => progress.push(`${done}:${event.type}`) });
    expect(report.failed).toEqual([]);
    expect(report.imported).toHaveLength(files.length);
    expect(progress).toHaveLength(files.length);

    const byName = new Map(report.imported.map((event) => [path.basename(event.path), library.get(event.id)]));
    expect(byName.get('shot.png')!.media).toMatchObject({ mime: 'image/png', width: 200, height: 150 });
    expect(byName.get('loop.gif')!.media!.mime).toBe('image/gif');
    for (const name of ['clip.mp4', 'clip.webm', 'clip.mov']) {
      const clip = byName.get(name)!;
      expect(clip.kind).toBe('video');
      expect(clip.media!.durationMs).toBeGreaterThan(500);
      expect(clip.media!.thumb).toMatch(/^[0-9a-f]{64}$/);
    }
    for (const file of files) {
      const clip = byName.get(path.basename(file))!;
      const out = path.join(inbox, 'exported', path.basename(file));
      await fs.mkdir(path.dirname(out), { recursive: true });
      await exportRendered(library, clip.id, out, { format: 'original' });
      expect(Buffer.compare(await fs.readFile(out), await fs.readFile(file))).toBe(0);
      const thumbnail = await library.blobs.readAll(clip.media!.thumb!);
      expect(thumbnail.subarray(8, 12).toString('latin1')).toBe('WEBP');
    }
    await library.close();
  });

  it('reports files over the size limit and keeps importing the rest', async () => {
    const { library } = await createTestLibrary();
    const inbox = await tempDir();
    await writeNoisyImage(path.join(inbox, 'big.png'), 'png', 400, 400);
    await writeNoisyImage(path.join(inbox, 'small.png'), 'png', 20, 20);
    const smallSize = (await fs.stat(path.join(inbox, 'small.png'))).size;
    const report = await importFiles(library, [inbox], { limits: { ...DEFAULT_IMPORT_LIMITS, maxImageBytes: smallSize + 10 } });
    expect(report.imported.map((event) => path.basename(event.path))).toEqual(['small.png']);
    expect(report.failed).toEqual([expect.objectContaining({ code: 'too-large', path: path.join(inbox, 'big.png') })]);
    await library.close();
  });

  it('stores identical content once and frees blobs only when no clip uses them', async () => {
    const { library } = await createTestLibrary();
    const inbox = await tempDir();
    const original = await writeNoisyImage(path.join(inbox, 'a.png'), 'png');
    const first = await importFiles(library, [original]);
    const blobCount = (await library.blobs.listStoredNames()).length;
    const second = await importFiles(library, [original]);
    expect(second.duplicates).toEqual([{ type: 'duplicate', path: original, existingId: first.imported[0]!.id }]);
    expect((await library.blobs.listStoredNames()).length).toBe(blobCount);

    await moveClipToTrash(library, first.imported[0]!.id);
    const reimported = await importFiles(library, [original]);
    expect(reimported.imported).toHaveLength(1);
    expect((await library.blobs.listStoredNames()).length).toBe(blobCount);
    expect(await purgeTrash(library)).toEqual({ clips: 1, blobsFreed: 0 });
    await moveClipToTrash(library, reimported.imported[0]!.id);
    expect(await purgeTrash(library)).toEqual({ clips: 1, blobsFreed: 2 });
    expect(await library.blobs.listStoredNames()).toEqual([]);
    await library.close();
  });
});
