// Re-analysing clips reads each stored original again (a video through the loopback blob server,
// never a decrypted copy on disk) and puts right what no longer matches it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { importFiles } from '../../../main/library/importer.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { writePng } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';
import { writeMp4 } from '../import/fixtures.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

it('restores an image’s and a video’s facts from their originals, and leaves no plaintext behind', async () => {
  core = await createTestCore();
  const { library } = core;
  const inbox = await tempDir();
  const files = [await writePng(inbox, 'picture.png', 3, { width: 90, height: 60 }), await writeMp4(path.join(inbox, 'movie.mp4'), { seconds: 2 })];
  const report = await importFiles(library, files);
  const [image, video] = files.map((file) => report.imported.find((event) => event.path === file)!.id) as [string, string];
  const before = { image: library.get(image).media!, video: library.get(video).media! };
  // As if an older version had recorded wrong facts.
  for (const id of [image, video]) {
    await library.changeClip(id, 'derive', (entry) => {
      entry.media!.width = 1;
      entry.media!.height = 1;
      if (entry.media!.durationMs !== undefined) entry.media!.durationMs = 1;
    });
  }
  const result = await core.api.bulkReanalyse({ selection: { ids: [image, video] } });
  expect(result).toMatchObject({ done: 2, failed: [] });
  expect(library.get(image).media).toMatchObject({ width: 90, height: 60 });
  expect(library.get(video).media).toMatchObject({ width: before.video.width, height: before.video.height });
  expect(library.get(video).media!.durationMs).toBeCloseTo(before.video.durationMs!, -2);
  expect(library.get(image).media!.thumb).toBe(before.image.thumb);
  // Nothing but the library's own files in its folder: no decrypted copy was ever made there.
  expect((await fs.readdir(library.paths.dir)).filter((name) => name.startsWith('.'))).toEqual([]);
});

it('lists a clip it cannot analyse with the reason and goes on with the rest', async () => {
  core = await createTestCore();
  const { library } = core;
  const png = await writePng(await tempDir(), 'fine.png', 4);
  const id = (await importFiles(library, [png])).imported[0]!.id;
  const text = (await core.api.importText({ text: 'just words' })).clipId;
  await library.blobs.remove(library.get(id).media!.blob);
  const result = await core.api.bulkReanalyse({ selection: { ids: [id, text] } });
  expect(result.done).toBe(1);
  expect(result.failed).toEqual([{ id, reason: expect.stringMatching(/\S/) }]);
});
