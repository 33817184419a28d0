import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

async function blobFiles(library: string): Promise<string[]> {
  const root = path.join(library, 'blobs');
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && !entry.parentPath.endsWith('tmp')).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('clipshot verify', () => {
  it('finds corrupt and missing blobs and exits non-zero', async () => {
    const work = await tempDir();
    const library = path.join(work, 'library');
    await writePng(work, 'a.png', 1);
    await writePng(work, 'b.png', 2);
    expect((await runCli(['--library', library, 'import', path.join(work, 'a.png'), path.join(work, 'b.png')])).code).toBe(0);
    const healthy = await runCli(['--library', library, 'verify']);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/^ok: 2 clip\(s\) in \d+ shard\(s\), 4 blob\(s\) checked, 0 unreferenced, 0 quarantined\n$/);

    const files = await blobFiles(library);
    expect(files).toHaveLength(4);
    const victim = files[0]!;
    const bytes = await fs.readFile(victim);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 20) ^ 0xff, bytes.length - 20);
    await fs.writeFile(victim, bytes);
    await fs.rm(files[1]!);

    const result = await runCli(['--library', library, 'verify', '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; problems: { area: string; severity: string; message: string }[] };
    expect(report.ok).toBe(false);
    const blobProblems = report.problems.filter((problem) => problem.area === 'blobs').map((problem) => problem.message.replace(/[0-9a-f]{64}/, 'HASH').replace(/clip \w+/, 'clip ID'));
    expect(blobProblems.sort()).toEqual(['blob HASH of clip ID is corrupt', 'blob HASH of clip ID is missing']);
    const human = await runCli(['--library', library, 'verify']);
    expect(human.code).toBe(1);
    expect(human.stderr).toBe('clipshot: verify found problems\n');
  });
});
