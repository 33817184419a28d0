// `clipshot analyze` with the real CLI, worker and OCR models: on its own library, and through a
// running `serve` (the control socket), with bad input answered plainly.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServe } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { renderTextLines } from '../helpers/ocr-images.js';
import { tempDir } from '../helpers/temp.js';

async function libraryWithShots(texts: Record<string, string>): Promise<{ library: string; ids: Record<string, string> }> {
  const dir = await tempDir();
  const shots = path.join(dir, 'shots');
  await fs.mkdir(shots);
  for (const [name, text] of Object.entries(texts)) {
    const { image } = await renderTextLines([text], { width: 900, fontSize: 28 });
    await fs.writeFile(path.join(shots, `${name}.png`), image.encoded.bytes);
  }
  const library = path.join(dir, 'library');
  const imported = await runCli(['--library', library, 'import', shots, '--json']);
  expect(imported.code).toBe(0);
  const lines = imported.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id?: string; path?: string });
  const ids = Object.fromEntries(lines.filter((line) => line.id && line.path).map((line) => [path.basename(line.path!, '.png'), line.id!]));
  return { library, ids };
}

describe('clipshot analyze', () => {
  it('analyses clips with progress as JSON lines, then they are found by their text', async () => {
    const { library, ids } = await libraryWithShots({ build: 'Build failed with exit code 2', lunch: 'Lunch menu for Friday' });
    const before = await runCli(['--library', library, 'search', 'failed']);
    expect(before.stdout).not.toContain(ids.build);

    const analysed = await runCli(['--library', library, 'analyze', '--all', '--json']);
    expect(analysed.code).toBe(0);
    const events = analysed.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.some((event) => 'progress' in event)).toBe(true);
    expect(events.at(-1)).toMatchObject({ state: 'idle', queued: 0, failed: 0 });

    const found = await runCli(['--library', library, 'search', 'exit code', '--json']);
    expect((JSON.parse(found.stdout) as { items: { id: string }[] }).items.map((clip) => clip.id)).toEqual([ids.build]);
    const shown = await runCli(['--library', library, 'analyze', 'show', ids.lunch!, '--json']);
    const view = JSON.parse(shown.stdout) as { status: string; recognition: { text: string; lines: { box: number[][] }[] } };
    expect(view.status).toBe('done');
    expect(view.recognition.text).toBe('Lunch menu for Friday');
    expect(view.recognition.lines[0]!.box).toHaveLength(4);

    const one = await runCli(['--library', library, 'analyze', ids.build!.slice(0, 8)]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Build failed with exit code 2');
  });

  it('answers bad input with the reason and a usage exit code', async () => {
    const { library } = await libraryWithShots({ one: 'Only one clip' });
    const unknown = await runCli(['--library', library, 'analyze', 'zzzzzzzzzz']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/clipshot: .*zzzzzzzzzz/);
    const both = await runCli(['--library', library, 'analyze', 'abcd', '--all']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give clip ids or --all, not both');
    const show = await runCli(['--library', library, 'analyze', 'show']);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain('analyze show ID');
  });

  it('pauses, resumes and reports the queue of a running instance', async () => {
    const { library, ids } = await libraryWithShots({ first: 'Queued behind a pause' });
    const serve = await startServe(library, {}, [], { analysis: true });
    try {
      const paused = await runCli(['--library', library, 'analyze', 'pause', '--json']);
      expect(JSON.parse(paused.stdout)).toMatchObject({ state: 'paused' });
      const queued = await runCli(['--library', library, 'analyze', ids.first!]);
      expect(queued.stderr).toContain('analysis is paused');
      const status = await runCli(['--library', library, 'analyze', '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'paused', queued: 1 });
      await runCli(['--library', library, 'analyze', 'resume']);
      await expect.poll(async () => JSON.parse((await runCli(['--library', library, 'analyze', '--json'])).stdout) as { queued: number }, { timeout: 30_000 }).toMatchObject({ queued: 0, state: 'idle' });
      const found = await runCli(['--library', library, 'search', 'pause', '--json']);
      expect((JSON.parse(found.stdout) as { items: { id: string }[] }).items.map((clip) => clip.id)).toEqual([ids.first]);
    } finally {
      await serve.stop();
    }
  });
});
