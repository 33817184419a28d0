// `clipshot export` of an edited image through the real CLI: the edits are rendered in (a solid
// box hides what it covers), --original gives the file as imported, and mistakes are refused in words.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { ClipPage, ClipView } from '../../contract/clips.js';
import { detailChangeMessage } from '../../contract/clip-details.js';
import { toAnnotationDoc } from '../../contract/edits/annotations.js';
import { Library } from '../../main/library/library.js';
import { annotation } from '../helpers/annotations.js';
import { runCli, TEST_PASSPHRASE } from '../helpers/cli.js';
import { writeBusyPng } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

describe('clipshot export of an edited image', () => {
  it('renders the edits into PNG and JPEG, writes the original with --original, and refuses a wrong format', async () => {
    const work = await tempDir();
    const dir = path.join(work, 'library');
    const png = await writeBusyPng(work, 'screen.png', { width: 200, height: 120 });
    expect((await runCli(['--library', dir, 'import', png])).code).toBe(0);
    const listed = await runCli(['--library', dir, 'list', '--json']);
    const clip = (JSON.parse(listed.stdout) as ClipPage<ClipView>).items[0]!;

    // Edits made the way a window makes them: changes to the clip's detail document.
    const library = await Library.open(dir, { method: 'passphrase', passphrase: TEST_PASSPHRASE });
    await library.changeDetails(clip.id, detailChangeMessage('annotate', clip.id), (doc) => {
      const box = annotation('box', { x: 20, y: 30, w: 60, h: 40, color: '#123456' });
      doc.image.annotations[box.id] = toAnnotationDoc(box);
      doc.image.crop = { x: 10, y: 10, w: 150, h: 100 };
    });
    await library.close();

    const out = path.join(work, 'out');
    await fs.mkdir(out);
    const exported = await runCli(['--library', dir, 'export', clip.id.slice(0, 8), '--out', path.join(out, 'edited.png')]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^wrote \d+ bytes to .*edited\.png\n$/);
    const { data, info } = await sharp(path.join(out, 'edited.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([150, 100]);
    // The box sits at (20, 30) in the original: (10, 20) in the crop. Every pixel of it is its colour.
    for (let y = 20; y < 60; y++) {
      for (let x = 10; x < 70; x++) expect([...data.subarray((y * 150 + x) * 3, (y * 150 + x) * 3 + 3)]).toEqual([0x12, 0x34, 0x56]);
    }

    expect((await runCli(['--library', dir, 'export', clip.id, '--out', path.join(out, 'edited.bin'), '--format', 'jpeg'])).code).toBe(0);
    expect(await sharp(path.join(out, 'edited.bin')).metadata()).toMatchObject({ format: 'jpeg', width: 150, height: 100 });

    expect((await runCli(['--library', dir, 'export', clip.id, '--out', path.join(out, 'original.png'), '--original'])).code).toBe(0);
    expect(Buffer.compare(await fs.readFile(path.join(out, 'original.png')), await fs.readFile(png))).toBe(0);

    const wrong = await runCli(['--library', dir, 'export', clip.id, '--out', path.join(out, 'edited.mp4')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/an image clip cannot be written as \.mp4; use \.png, \.jpg, \.webp/);
    expect((await fs.readdir(out)).sort()).toEqual(['edited.bin', 'edited.png', 'original.png']);
  });
});
