import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ClipPage, ClipView } from '../../contract/clips.js';
import { collect, runCli, startCli, waitForLine } from '../helpers/cli.js';
import { writeJpeg, writePng, writeText } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

async function cliJson<T>(args: string[], options: Parameters<typeof runCli>[1] = {}): Promise<T> {
  const result = await runCli([...args, '--json'], options);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

function importEvents(stdout: string): { event: string; id?: string; path: string; reason?: string; existingId?: string }[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => 'event' in line) as never;
}

describe('clipshot CLI on a real library', () => {
  it('imports files, folders and stdin, then lists, searches, edits, trashes, exports and verifies', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    const inbox = path.join(work, 'inbox');
    await fs.mkdir(path.join(inbox, 'nested'), { recursive: true });
    const png = await writePng(inbox, 'diagram.png', 3);
    await writeJpeg(path.join(inbox, 'nested'), 'photo.jpg', 4);
    await writeText(inbox, 'nested/notes.md', '# Release notes\nThe quokka migration finished.');
    await writeText(inbox, 'snippet.txt', 'kubectl rollout restart deployment');
    const L = ['--library', library];

    const imported = await runCli([...L, 'import', inbox, '-', '--json'], { input: 'a stdin zeppelin note' });
    expect(imported.code).toBe(0);
    const events = importEvents(imported.stdout);
    expect(events.filter((event) => event.event === 'imported')).toHaveLength(5);
    expect(JSON.parse(imported.stdout.trim().split('\n').at(-1)!)).toEqual({ summary: { imported: 5, duplicates: 0, failed: 0 } });

    // The rest runs through a running instance (one unlock), as it would with the app open.
    const server = startCli([...L, 'serve']);
    onTestFinished(() => {
      server.kill('SIGKILL');
    });
    await waitForLine(server, /^Open http:\/\/127\.0\.0\.1:\d+\/\?token=/);

    const all = await cliJson<ClipPage<ClipView>>([...L, 'list']);
    expect(all.items.map((clip) => clip.kind).sort()).toEqual(['image', 'image', 'text', 'text', 'text']);
    const images = await cliJson<ClipPage<ClipView>>([...L, 'list', '--kind', 'image']);
    expect(images.items.map((clip) => clip.title).sort()).toEqual(['diagram', 'photo']);
    const diagram = images.items.find((clip) => clip.title === 'diagram')!;
    expect(diagram.media).toMatchObject({ mime: 'image/png', width: 64, height: 48 });
    expect(diagram.media!.thumb).toMatch(/^[0-9a-f]{64}$/);

    const quokka = await cliJson<ClipPage<ClipView>>([...L, 'search', 'quokka']);
    expect(quokka.items.map((clip) => clip.sourceName)).toEqual(['notes.md']);
    const stdinClip = (await cliJson<ClipPage<ClipView>>([...L, 'search', 'zeppelin'])).items[0]!;
    expect(stdinClip.text).toBe('a stdin zeppelin note');

    const prefix = diagram.id.slice(0, 8);
    await cliJson([...L, 'edit', prefix, '--title', 'Architecture diagram', '--notes', 'drawn for the wombat review']);
    await cliJson([...L, 'tag', prefix, '--add', 'work', '--add', 'diagrams']);
    await cliJson([...L, 'tag', prefix, '--remove', 'diagrams']);
    const shown = await cliJson<ClipView>([...L, 'show', prefix]);
    expect(shown).toMatchObject({ id: diagram.id, title: 'Architecture diagram', notes: 'drawn for the wombat review', tags: ['work'] });
    expect((await cliJson<ClipPage<ClipView>>([...L, 'search', 'wombat'])).items.map((clip) => clip.id)).toEqual([diagram.id]);
    expect((await cliJson<ClipPage<ClipView>>([...L, 'list', '--tag', 'work'])).items.map((clip) => clip.id)).toEqual([diagram.id]);

    const exported = path.join(work, 'out', 'diagram-copy.png');
    await fs.mkdir(path.dirname(exported));
    expect((await runCli([...L, 'export', prefix, '--out', exported])).code).toBe(0);
    expect(Buffer.compare(await fs.readFile(exported), await fs.readFile(png))).toBe(0);
    const exportedText = path.join(work, 'out', 'note.txt');
    expect((await runCli([...L, 'export', stdinClip.id, '--out', exportedText])).code).toBe(0);
    expect(await fs.readFile(exportedText, 'utf8')).toBe('a stdin zeppelin note');

    const human = await runCli([...L, 'delete', prefix]);
    expect(human.stdout).toContain(`moved ${diagram.id} to the trash`);
    expect((await cliJson<ClipPage<ClipView>>([...L, 'list'])).items.map((clip) => clip.id)).not.toContain(diagram.id);
    expect((await cliJson<ClipPage<ClipView>>([...L, 'list', '--trash'])).items.map((clip) => clip.id)).toEqual([diagram.id]);
    await cliJson([...L, 'restore', prefix]);
    expect((await cliJson<ClipPage<ClipView>>([...L, 'list'])).items).toHaveLength(5);

    await cliJson([...L, 'delete', prefix]);
    const purged = await cliJson<{ clips: number; blobsFreed: number }>([...L, 'purge']);
    expect(purged).toEqual({ clips: 1, blobsFreed: 2 });
    const missing = await runCli([...L, 'show', diagram.id]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`clipshot: no clip with id ${diagram.id}\n`);

    server.kill('SIGTERM');
    expect((await collect(server)).code).toBe(0);

    const reindexed = await cliJson<{ clips: number }>([...L, 'reindex']);
    expect(reindexed.clips).toBe(4);
    expect((await cliJson<ClipPage<ClipView>>([...L, 'search', 'quokka'])).items).toHaveLength(1);
    const verified = await cliJson<{ ok: boolean; clips: number; blobsChecked: number; unreferencedBlobs: number }>([...L, 'verify']);
    expect(verified).toMatchObject({ ok: true, clips: 4, blobsChecked: 2, unreferencedBlobs: 0 });
  }, 240_000);

  it('reports each bad file with its reason, imports the rest, and skips duplicates', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    const inbox = path.join(work, 'inbox');
    await fs.mkdir(inbox);
    const good = await writePng(inbox, 'good.png', 7);
    await fs.writeFile(path.join(inbox, 'empty.png'), '');
    const whole = await fs.readFile(good);
    await fs.writeFile(path.join(inbox, 'truncated.png'), whole.subarray(0, Math.floor(whole.length / 2)));
    await fs.writeFile(path.join(inbox, 'fake.png'), 'this is not an image at all');
    await fs.symlink(path.join(work, 'nowhere.png'), path.join(inbox, 'dangling.png'));
    const L = ['--library', library];

    const result = await runCli([...L, 'import', inbox, '--json']);
    expect(result.code).toBe(1);
    const events = importEvents(result.stdout);
    const failed = Object.fromEntries(events.filter((event) => event.event === 'failed').map((event) => [path.basename(event.path), event.reason]));
    expect(Object.keys(failed).sort()).toEqual(['dangling.png', 'empty.png', 'fake.png', 'truncated.png']);
    for (const reason of Object.values(failed)) expect(reason).toMatch(/\w+ \w+/);
    expect(events.filter((event) => event.event === 'imported').map((event) => path.basename(event.path))).toEqual(['good.png']);
    expect(result.stderr).toBe('clipshot: 4 of 5 file(s) could not be imported\n');

    const again = await runCli([...L, 'import', good, '--json']);
    expect(again.code).toBe(0);
    const [duplicate] = importEvents(again.stdout);
    expect(duplicate).toMatchObject({ event: 'duplicate', path: good });
    const listed = await cliJson<ClipPage<ClipView>>([...L, 'list']);
    expect(listed.items).toHaveLength(1);
    expect(duplicate!.existingId).toBe(listed.items[0]!.id);
  });

  it('fails with a one-line reason and a non-zero exit code on bad commands and bad input', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    const L = ['--library', library];
    const noLibrary = await runCli([...L, 'list']);
    expect(noLibrary).toMatchObject({ code: 1, stdout: '' });
    expect(noLibrary.stderr).toMatch(/^clipshot: no library at .+\n$/);

    await writeText(work, 'a.txt', 'alpha');
    expect((await runCli([...L, 'import', path.join(work, 'a.txt')])).code).toBe(0);
    const cases: [string[], number, RegExp][] = [
      [['frobnicate'], 2, /^clipshot: unknown command "frobnicate"/],
      [['list', '--limit', 'lots'], 2, /^clipshot: --limit must be a whole number/],
      [['list', '--kind', 'sculpture'], 2, /^clipshot: --kind must be one of image, video, text/],
      [['list', '--from', 'yesterday-ish'], 2, /^clipshot: --from: not a date/],
      [['list', '--cursor', '%%%'], 1, /^clipshot: .*cursor/i],
      [['show', 'zzzzzzzz'], 1, /^clipshot: no clip with id zzzzzzzz$/],
      [['edit', 'zzzzzzzz', '--title', 'x'], 1, /^clipshot: no clip with id zzzzzzzz$/],
      [['search', '!!!'], 1, /^clipshot: .*search/i],
      [['tag', 'zzzzzzzz'], 1, /^clipshot: nothing to change/],
      [['export', 'zzzzzzzz'], 2, /^clipshot: export: --out FILE is required$/],
      [['show'], 2, /^clipshot: show: expected 1 argument/],
      [['list', '--bogus'], 2, /^clipshot: list: Unknown option '--bogus'/],
    ];
    for (const [args, code, pattern] of cases) {
      const result = await runCli([...L, ...args]);
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(pattern);
    }
  });

  it('refuses a wrong passphrase with a clear error and changes nothing', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    await writeText(work, 'a.txt', 'alpha');
    expect((await runCli(['--library', library, 'import', path.join(work, 'a.txt')])).code).toBe(0);
    const before = await fs.readFile(path.join(library, 'keys.json'));
    const wrong = await runCli(['--library', library, 'list'], { env: { CLIPSHOT_PASSPHRASE: 'not the passphrase' } });
    expect(wrong).toMatchObject({ code: 1, stdout: '', stderr: 'clipshot: wrong passphrase\n' });
    const changeWrong = await runCli(['--library', library, 'keys', 'change-passphrase'], { env: { CLIPSHOT_PASSPHRASE: 'nope', CLIPSHOT_NEW_PASSPHRASE: 'new one' } });
    expect(changeWrong).toMatchObject({ code: 1, stderr: 'clipshot: wrong passphrase\n' });
    expect(Buffer.compare(await fs.readFile(path.join(library, 'keys.json')), before)).toBe(0);

    const changed = await runCli(['--library', library, 'keys', 'change-passphrase'], { env: { CLIPSHOT_NEW_PASSPHRASE: 'a brand new passphrase' } });
    expect(changed.code).toBe(0);
    const withNew = await runCli(['--library', library, 'list', '--json'], { env: { CLIPSHOT_PASSPHRASE: 'a brand new passphrase' } });
    expect(withNew.code).toBe(0);
    expect((JSON.parse(withNew.stdout) as ClipPage<ClipView>).items).toHaveLength(1);
    expect((await runCli(['--library', library, 'list'])).stderr).toBe('clipshot: wrong passphrase\n');
  });

  it('never writes clip content or the key in plaintext to disk', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    await writeText(work, 'secret.txt', 'the launch code is marmalade-4471');
    await writePng(work, 'pic.png', 9);
    expect((await runCli(['--library', library, 'import', path.join(work, 'secret.txt'), path.join(work, 'pic.png')])).code).toBe(0);
    const files = await fs.readdir(library, { recursive: true });
    const png = await fs.readFile(path.join(work, 'pic.png'));
    for (const name of files) {
      const file = path.join(library, name);
      if (!(await fs.stat(file)).isFile()) continue;
      const bytes = await fs.readFile(file);
      expect(bytes.includes('marmalade')).toBe(false);
      expect(bytes.includes(png.subarray(0, 64))).toBe(false);
      expect(bytes.includes('SQLite format 3')).toBe(false);
    }
  });
});
