import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClipPage, ClipView } from '../../contract/clips.js';
import { collect, runCli, startCli } from '../helpers/cli.js';
import { writePng, writeText } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

async function listAll(library: string): Promise<ClipView[]> {
  const clips: ClipView[] = [];
  let cursor: string | null = null;
  do {
    const result = await runCli(['--library', library, 'list', '--limit', '1000', '--json', ...(cursor ? ['--cursor', cursor] : [])]);
    expect(result.code).toBe(0);
    const page = JSON.parse(result.stdout) as ClipPage<ClipView>;
    clips.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return clips;
}

describe('kill -9 during an import', () => {
  it('loses nothing reported as imported and leaves a library that opens and verifies', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    const inbox = path.join(work, 'inbox');
    await fs.mkdir(inbox);
    for (let i = 0; i < 900; i++) {
      if (i % 10 === 0) await writePng(inbox, `image-${i}.png`, i + 1);
      else await writeText(inbox, `note-${i}.txt`, `note ${i} about crash safety and batch ${Math.floor(i / 50)}`);
    }
    const reported = new Set<string>();
    // Kill at different moments: right after the first durable batch, and later in the run.
    for (const killAfter of [1, 350]) {
      const child = startCli(['--library', library, 'import', inbox, '--json']);
      const done = collect(child);
      await new Promise<void>((resolve) => {
        let buffered = '';
        let count = 0;
        child.stdout!.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            const event = JSON.parse(line) as { event?: string; id?: string };
            if (event.event === 'imported') {
              reported.add(event.id!);
              count++;
            }
          }
          if (count >= killAfter && !child.killed) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('close', () => resolve());
      });
      const result = await done;
      expect(result.code).toBe(null);

      const verify = await runCli(['--library', library, 'verify', '--json']);
      const report = JSON.parse(verify.stdout) as { ok: boolean; problems: { severity: string }[] };
      expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      expect(verify.code).toBe(0);
      const ids = new Set((await listAll(library)).map((clip) => clip.id));
      const lost = [...reported].filter((id) => !ids.has(id));
      expect(lost).toEqual([]);
    }
    expect(reported.size).toBeGreaterThan(350);

    // The interrupted import can simply be run again: what is already there counts as duplicate.
    const resumed = await runCli(['--library', library, 'import', inbox, '--json']);
    expect(resumed.code).toBe(0);
    expect(await listAll(library)).toHaveLength(900);
    const leftovers = await fs.readdir(path.join(library, 'blobs', 'tmp')).catch(() => []);
    expect(leftovers).toEqual([]);
  }, 240_000);
});
