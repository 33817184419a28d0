import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntryView, AuditVerifyReport } from '../../contract/audit.js';
import { Library } from '../../main/library/library.js';
import { libraryPaths } from '../../main/library/library-paths.js';
import { unlockWithPassphrase } from '../../main/security/key-slots.js';
import { deriveLibrarySubkeys } from '../../main/security/library-subkeys.js';
import { entryHash } from '../../main/security/audit/canonical.js';
import { runCli, TEST_PASSPHRASE } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import fs from 'node:fs/promises';

const cheap = { N: 1024, r: 8, p: 1 };

/** A closed library whose log holds five exports (seq 1-5), made in this process. */
async function libraryWithFiveEntries(): Promise<string> {
  const dir = path.join(await tempDir(), 'library');
  const library = await Library.create(dir, { passphrase: TEST_PASSPHRASE, scryptCost: cheap });
  for (let i = 1; i <= 5; i++) library.audit.record({ kind: 'export', actor: { type: 'cli', id: 'clipshot' }, details: { clipId: `clip${i}`, bytes: 1000 * i, format: 'png' } });
  await library.close();
  return dir;
}

/** The library's database opened directly with its key, as an attacker holding the key would. */
async function openRaw(dir: string): Promise<BetterSqlite3.Database> {
  const paths = libraryPaths(dir);
  const keys = deriveLibrarySubkeys(await unlockWithPassphrase(paths.keyFile, TEST_PASSPHRASE));
  const db = new Database(paths.database) as unknown as BetterSqlite3.Database;
  db.pragma(`hexkey='${keys.databaseKey.toString('hex')}'`);
  return db;
}

async function tamper(dir: string, change: (db: BetterSqlite3.Database) => void): Promise<void> {
  const db = await openRaw(dir);
  try {
    change(db);
  } finally {
    db.close();
  }
}

async function verify(dir: string): Promise<{ code: number | null; report: AuditVerifyReport; stderr: string }> {
  const result = await runCli(['--library', dir, 'audit', '--verify', '--json']);
  return { code: result.code, report: JSON.parse(result.stdout) as AuditVerifyReport, stderr: result.stderr };
}

describe('clipshot audit --verify against a tampered database', () => {
  it('passes an untouched log and lists its entries oldest first, with the CLI unlock it made', async () => {
    const dir = await libraryWithFiveEntries();
    const { code, report } = await verify(dir);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, firstBadSeq: null, signedBy: ['library'] });
    const listed = await runCli(['--library', dir, 'audit', '--json']);
    const entries = JSON.parse(listed.stdout) as AuditEntryView[];
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(entries.slice(5).map((entry) => [entry.kind, entry.actor.type, entry.details.method])).toEqual([
      ['unlock', 'cli', 'passphrase'],
      ['unlock', 'cli', 'passphrase'],
    ]);
    const exportsOnly = JSON.parse((await runCli(['--library', dir, 'audit', '--json', '--kind', 'export'])).stdout) as AuditEntryView[];
    expect(exportsOnly.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('names the entry in which one byte was changed', async () => {
    const dir = await libraryWithFiveEntries();
    await tamper(dir, (db) => db.prepare("UPDATE audit_log SET details = replace(details, '3000', '3001') WHERE seq = 3").run());
    const { code, report, stderr } = await verify(dir);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'edited' });
    expect(stderr).toContain('entry 3 was changed');
  });

  it('names a deleted entry', async () => {
    const dir = await libraryWithFiveEntries();
    await tamper(dir, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 2').run());
    const { code, report } = await verify(dir);
    expect(code).toBe(1);
    expect(report).toMatchObject({ firstBadSeq: 2, problem: 'missing' });
  });

  it('finds an inserted entry, even one whose own hash is right', async () => {
    const dir = await libraryWithFiveEntries();
    await tamper(dir, (db) => {
      const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= 3 ORDER BY seq DESC').all() as Array<{ seq: number }>;
      for (const row of rows) db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(row.seq + 1, row.seq);
      const before = db.prepare('SELECT hash FROM audit_log WHERE seq = 2').get() as { hash: string };
      const forged = { seq: 3, at: 0, kind: 'export' as const, actor: { type: 'cli' as const, id: 'x' }, details: {}, prevHash: before.hash };
      db.prepare("INSERT INTO audit_log (seq, at, kind, actor_type, actor_id, details, prev_hash, hash) VALUES (3, 0, 'export', 'cli', 'x', '{}', ?, ?)").run(before.hash, entryHash(forged));
    });
    const { code, report } = await verify(dir);
    expect(code).toBe(1);
    // The forged entry chains to entry 2; the one it pushed along no longer chains to it.
    expect(report).toMatchObject({ firstBadSeq: 4, problem: 'out-of-chain' });
  });

  it('names the first of two swapped entries', async () => {
    const dir = await libraryWithFiveEntries();
    await tamper(dir, (db) => {
      db.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 3').run();
      db.prepare('UPDATE audit_log SET seq = 3 WHERE seq = 4').run();
      db.prepare('UPDATE audit_log SET seq = 4 WHERE seq = -1').run();
    });
    const { code, report } = await verify(dir);
    expect(code).toBe(1);
    expect(report).toMatchObject({ firstBadSeq: 3, problem: 'out-of-chain' });
  });

  it('finds a cut tail, although opening the library appended to it', async () => {
    const dir = await libraryWithFiveEntries();
    await tamper(dir, (db) => db.prepare('DELETE FROM audit_log WHERE seq >= 4').run());
    const { code, report, stderr } = await verify(dir);
    expect(code).toBe(1);
    expect(report).toMatchObject({ firstBadSeq: 4, problem: 'missing' });
    expect(stderr).toContain('failed verification');
  });

  it('refuses a head rewritten without the library key', async () => {
    const dir = await libraryWithFiveEntries();
    await tamper(dir, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
      const last = db.prepare('SELECT hash FROM audit_log WHERE seq = 4').get() as { hash: string };
      db.prepare('UPDATE audit_head SET seq = 4, hash = ?').run(last.hash);
    });
    const { code, report } = await verify(dir);
    expect(code).toBe(1);
    // The open that ran the check appended an entry, but did not sign over the forged head.
    expect(report).toMatchObject({ ok: false, problem: 'bad-head' });
  });

  it('records a failed unlock beside the closed database and folds it into the log at the next open', async () => {
    const dir = await libraryWithFiveEntries();
    const wrong = await runCli(['--library', dir, 'audit'], { env: { CLIPSHOT_PASSPHRASE: 'not the passphrase' } });
    expect(wrong.code).toBe(1);
    await expect(fs.readFile(libraryPaths(dir).auditPending, 'utf8')).resolves.toContain('unlock-failed');
    const listed = JSON.parse((await runCli(['--library', dir, 'audit', '--json', '--kind', 'unlock-failed'])).stdout) as AuditEntryView[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ seq: 6, actor: { type: 'cli' }, details: { method: 'passphrase', reason: 'WrongPassphraseError' } });
    await expect(fs.access(libraryPaths(dir).auditPending)).rejects.toThrow();
    expect((await verify(dir)).code).toBe(0);
  });

  it('records key changes made on the key file alone, and CLI exports by clip id and size without their text', async () => {
    const dir = await libraryWithFiveEntries();
    const added = await runCli(['--library', dir, 'keys', 'add-passphrase'], { env: { CLIPSHOT_NEW_PASSPHRASE: 'a second passphrase' } });
    expect(added.code).toBe(0);
    const source = path.join(path.dirname(dir), 'note.txt');
    await fs.writeFile(source, 'secret words never logged');
    const imported = await runCli(['--library', dir, 'import', source, '--json']);
    expect(imported.code).toBe(0);
    const id = /[0-9a-z]{26}/.exec(imported.stdout)![0];
    const out = path.join(path.dirname(dir), 'out.txt');
    expect((await runCli(['--library', dir, 'export', id, '--out', out])).code).toBe(0);
    const listed = await runCli(['--library', dir, 'audit', '--json']);
    const entries = JSON.parse(listed.stdout) as AuditEntryView[];
    expect(entries.filter((entry) => entry.kind === 'key-change').map((entry) => entry.details.action)).toEqual(['add-passphrase']);
    expect(entries.filter((entry) => entry.kind === 'export' && entry.details.clipId === id)).toEqual([expect.objectContaining({ actor: { type: 'cli', id: 'clipshot' }, details: expect.objectContaining({ bytes: 25 }) })]);
    expect(listed.stdout).not.toContain('secret words');
    expect((await verify(dir)).code).toBe(0);
  });
});

describe('plugin changes made from the command line', () => {
  it('are recorded for the library (who, which plugin, what it was granted) and reach its log at the next open', async () => {
    const dir = await libraryWithFiveEntries();
    const env = { CLIPSHOT_PLUGINS_DIR: path.join(await tempDir(), 'plugins') };
    const folder = path.resolve('plugins', 'word-count');
    const installed = await runCli(['--library', dir, 'plugin', 'install', folder, '--allow-unsigned', '--yes'], { env });
    expect(installed.code, installed.stderr).toBe(0);
    const removed = await runCli(['--library', dir, 'plugin', 'remove', 'clipshot.word-count'], { env });
    expect(removed.code, removed.stderr).toBe(0);

    const listed = await runCli(['--library', dir, 'audit', '--json'], { env });
    const entries = (JSON.parse(listed.stdout) as AuditEntryView[]).filter((entry) => entry.kind.startsWith('plugin-'));
    expect(entries.map((entry) => [entry.kind, entry.actor.type, entry.details.plugin ?? entry.actor.id])).toEqual([
      ['plugin-install', 'cli', 'clipshot.word-count'],
      ['plugin-permissions', 'plugin', 'clipshot.word-count'],
      ['plugin-remove', 'cli', 'clipshot.word-count'],
    ]);
    expect(entries[1]!.details.granted).toBe('clips:read,ui:panel');
    expect((await verify(dir)).report.ok).toBe(true);
  });

  it('without a library there, still work and record nothing', async () => {
    const missing = path.join(await tempDir(), 'no-library');
    const env = { CLIPSHOT_PLUGINS_DIR: path.join(await tempDir(), 'plugins') };
    const installed = await runCli(['--library', missing, 'plugin', 'install', path.resolve('plugins', 'word-count'), '--allow-unsigned', '--yes'], { env });
    expect(installed.code, installed.stderr).toBe(0);
    await expect(fs.readdir(missing)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
