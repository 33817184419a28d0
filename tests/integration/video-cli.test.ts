// `clipshot export ID --out FILE` renders a video's edits: the trim, in the format the file's name asks for.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detailChangeMessage } from '../../contract/clip-details.js';
import { LIBRARY_COMMANDS } from '../../main/cli/library-commands.js';
import { importFiles } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { runCli, TEST_PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { measureVideo } from '../helpers/video-measure.js';
import { writeKeyframedMp4 } from '../unit/import/fixtures.js';

const FRAME_MS = 40;

async function trimmedLibrary(): Promise<{ dir: string; work: string; id: string }> {
  const work = await tempDir();
  const dir = path.join(work, 'library');
  const library = await Library.create(dir, { passphrase: TEST_PASSPHRASE, scryptCost: { N: 1024, r: 8, p: 1 } });
  try {
    const report = await importFiles(library, [await writeKeyframedMp4(path.join(work, 'talk.mp4'), { seconds: 5 })]);
    const id = report.imported[0]!.id;
    await library.changeDetails(id, detailChangeMessage('trim', id), (doc) => {
      doc.video.trimStartMs = 1000;
      doc.video.trimEndMs = 3000;
    });
    await library.settleEdits();
    return { dir, work, id };
  } finally {
    await library.close();
  }
}

describe('clipshot export of a trimmed video', () => {
  it('writes the trimmed clip as MP4 and as GIF, by the name of the file', async () => {
    const { dir, work, id } = await trimmedLibrary();
    const mp4 = path.join(work, 'talk-trimmed.mp4');
    const result = await runCli(['--library', dir, 'export', id.slice(0, 8), '--out', mp4]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^wrote \\d+ bytes to ${mp4.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    const measured = await measureVideo(mp4);
    expect(Math.abs(measured.playedMs - 2000)).toBeLessThanOrEqual(2 * FRAME_MS);

    const gif = path.join(work, 'talk.gif');
    expect((await runCli(['--library', dir, 'export', id, '--out', gif])).code).toBe(0);
    expect((await measureVideo(gif)).frames).toBe(30);

    // The original is still there, byte for byte.
    const original = path.join(work, 'original.mp4');
    expect((await runCli(['--library', dir, 'export', id, '--original', '--out', original])).code).toBe(0);
    expect(Buffer.compare(await fs.readFile(original), await fs.readFile(path.join(work, 'talk.mp4')))).toBe(0);
  });

  it('refuses a file name of another kind in words, and writes nothing', async () => {
    const { dir, work, id } = await trimmedLibrary();
    const result = await runCli(['--library', dir, 'export', id, '--out', path.join(work, 'frame.png')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('clipshot: a video clip cannot be written as .png; use .mp4, .webm, .gif\n');
    expect(await fs.readdir(work)).not.toContain('frame.png');
  });

  it('draws its progress, stage and percentage, on a terminal', async () => {
    const { dir, work, id } = await trimmedLibrary();
    const library = await Library.open(dir, { method: 'passphrase', passphrase: TEST_PASSPHRASE });
    try {
      const stderr: string[] = [];
      const stdout: string[] = [];
      const out = path.join(work, 'progress.webm');
      const code = await LIBRARY_COMMANDS.export!(
        library,
        { command: 'export', positionals: [id], options: { out }, cwd: work },
        { interactive: true, stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text) },
      );
      expect(code).toBe(0);
      const lines = stderr.map((text) => text.replace('\r\x1b[2K', ''));
      expect(lines[0]).toBe('exporting: starting 0%');
      expect(lines).toContain('exporting: encoding 0%');
      // Never backwards, whatever the stage.
      const percents = lines.slice(0, -1).map((line) => Number(/ (\d+)%$/.exec(line)?.[1]));
      expect(percents.every((percent, i) => Number.isInteger(percent) && (i === 0 || percent >= percents[i - 1]!))).toBe(true);
      expect(lines.at(-2)).toBe('exporting: done 100%');
      expect(lines.at(-1)).toBe('');
      expect(stdout.join('')).toMatch(/^wrote \d+ bytes to .*progress\.webm\n$/);
    } finally {
      await library.close();
    }
  });
});
