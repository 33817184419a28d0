// An edit whose rendering had not run when the process died is rendered at the next open.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { importText } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { collect, TEST_PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/edit-then-die.mjs', import.meta.url));

it('renders an edit left pending by a killed process when the library next opens', async () => {
  const dir = path.join(await tempDir(), 'library');
  const cheap = { N: 1024, r: 8, p: 1 };
  const created = await Library.create(dir, { passphrase: TEST_PASSPHRASE, scryptCost: cheap });
  const event = await importText(created, 'written before the crash');
  if (event.type !== 'imported') throw new Error('not imported');
  await created.close();

  const child = spawn(process.execPath, [FIXTURE, dir, event.id, 'written after the crash'], { env: { ...process.env, CLIPSHOT_PASSPHRASE: TEST_PASSPHRASE }, stdio: ['ignore', 'pipe', 'pipe'] });
  const result = await collect(child);
  expect(result.stdout).toBe('changed\n');
  expect(result.code).toBe(null);

  const library = await Library.open(dir, { method: 'passphrase', passphrase: TEST_PASSPHRASE });
  try {
    await library.settleEdits();
    expect(library.get(event.id).text).toBe('written after the crash');
    expect(library.get(event.id).edited?.summary).toBe('text edited');
    expect(library.db.prepare('SELECT count(*) FROM edits_pending').pluck().get()).toBe(0);
  } finally {
    await library.close();
  }
});
