// A window copies or exports right after drawing a redaction: the core's rendering must include
// it, though the edit travels over sync while the request travels over the API. With the window's
// heads in the request, the core waits for them; it never renders without them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClipDetailDoc } from '../../../contract/clip-details.js';
import { toAnnotationDoc } from '../../../contract/edits/annotations.js';
import { parseMediaPath } from '../../../contract/media.js';
import { annotation } from '../../helpers/annotations.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { writeBusyPng } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function importedImage(testCore: TestCore): Promise<string> {
  const file = await writeBusyPng(await tempDir(), 'secret.png', { width: 120, height: 80 });
  await testCore.files.importFiles([new File([await readFile(file)], path.basename(file), { type: 'image/png' })]);
  await expect.poll(async () => (await testCore.api.listClips({ kind: 'image' })).items.length, { timeout: 20_000 }).toBe(1);
  return (await testCore.api.listClips({ kind: 'image' })).items[0]!.id;
}

describe('rendered media at a window’s heads', () => {
  it('includes a box drawn a moment before the request, however the two channels race', async () => {
    core = await createTestCore();
    const id = await importedImage(core);
    const opened = await core.documents.open(id);
    await opened.detail.whenReady();
    const box = annotation('box', { x: 0, y: 0, w: 40, h: 40, color: '#000000' });
    opened.detail.change((doc: ClipDetailDoc) => {
      doc.image.annotations[box.id] = toAnnotationDoc(box);
    });
    // Asked at once, as a click on Copy right after drawing would.
    const url = core.api.mediaUrl(id, { variant: 'rendered', format: 'png', heads: opened.detail.heads().join('.') });
    const parsed = parseMediaPath(new URL(url, 'http://core').pathname, new URL(url, 'http://core').searchParams);
    if (!parsed?.ok) throw new Error(`the URL does not parse: ${url}`);
    const media = await core.service.openMedia(id, parsed.request);
    const { data, info } = await sharp(await bytes(await media.open())).raw().toBuffer({ resolveWithObject: true });
    for (const [x, y] of [
      [0, 0],
      [39, 39],
      [20, 10],
    ] as const)
      expect([...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)]).toEqual([0, 0, 0]);
    opened.close();
  });

  it('refuses heads it cannot read, and says when edits have not arrived rather than rendering without them', async () => {
    core = await createTestCore();
    const id = await importedImage(core);
    await expect(core.service.openMedia(id, { variant: 'rendered', heads: 'notReallyHeads' })).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/heads that cannot be read/) });
    // Well-formed heads of a change this library never saw (made in a document nobody synced).
    const opened = await core.documents.open(id);
    await opened.detail.whenReady();
    const elsewhere = core.openWindow();
    const stranger = (await elsewhere.documents.open(id)).detail;
    await stranger.whenReady();
    elsewhere.close();
    stranger.change((doc: ClipDetailDoc) => {
      doc.image.rotation = 90;
    });
    const unseen = stranger.heads().join('.');
    const started = Date.now();
    await expect(core.service.openMedia(id, { variant: 'rendered', heads: unseen })).rejects.toMatchObject({ code: 'busy', message: expect.stringMatching(/have not reached ClipShot yet/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    opened.close();
  });
});
