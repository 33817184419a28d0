// Child process of the library benchmark: how long a fresh process takes to open a library and
// show its first page.
import { Library } from '../../main/library/library.js';
import { peakRssMb } from './stats.js';
import { createKeyFile, unlockWithPassphrase } from '../../main/security/key-slots.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const passphrase = process.env.CLIPSHOT_PASSPHRASE!;
  const started = performance.now();
  const library = await Library.open(dir, { method: 'passphrase', passphrase });
  const opened = performance.now();
  library.query({ limit: 100 });
  const firstPage = performance.now();
  await library.close();

  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-kdf-'));
  const keyFile = path.join(scratch, 'keys.json');
  await createKeyFile(keyFile, { passphrase });
  const kdfStarted = performance.now();
  await unlockWithPassphrase(keyFile, passphrase);
  const kdfMs = performance.now() - kdfStarted;
  await fs.rm(scratch, { recursive: true, force: true });

  const round = (value: number) => Math.round(value * 100) / 100;
  process.stdout.write(
    JSON.stringify({
      open_ms: round(opened - started),
      first_page_ms: round(firstPage - opened),
      rss_mb: peakRssMb(),
      production_kdf_ms: Math.round(kdfMs),
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(String(error instanceof Error ? error.stack : error));
  process.exitCode = 1;
});
