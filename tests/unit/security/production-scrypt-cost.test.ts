import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { PRODUCTION_SCRYPT_COST, WrongPassphraseError, createKeyFile, unlockWithPassphrase } from '../../../main/security/key-slots.js';
import { tempDir } from '../../helpers/temp.js';

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

describe('the production scrypt cost', () => {
  it('is N=2^17, r=8, p=1 by default, recorded in the slot, and costs real time per guess', async () => {
    const keyPath = path.join(await tempDir(), 'keys.json');
    const created = await timed(() => createKeyFile(keyPath, { passphrase: 'a production passphrase' }));
    const unlocked = await timed(() => unlockWithPassphrase(keyPath, 'a production passphrase'));
    const wrong = await timed(() => unlockWithPassphrase(keyPath, 'a wrong guess').catch((error: unknown) => error));

    expect(PRODUCTION_SCRYPT_COST).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(JSON.parse(await fs.readFile(keyPath, 'utf8')).slots[0].kdf.cost).toEqual({ N: 131072, r: 8, p: 1 });
    expect(unlocked.value).toEqual(created.value.libraryKey);
    expect(wrong.value).toBeInstanceOf(WrongPassphraseError);
    // 128 MiB of scrypt is not instant on any machine. The upper bound only catches a runaway cost:
    // about 0.7 s on an idle 2-core VM, but test runs share the cores (4 s seen under load).
    expect(unlocked.ms).toBeGreaterThan(50);
    expect(wrong.ms).toBeGreaterThan(50);
    expect(unlocked.ms).toBeLessThan(30_000);
    console.info(`scrypt N=2^17 r=8 p=1: create ${created.ms.toFixed(0)} ms, unlock ${unlocked.ms.toFixed(0)} ms, wrong passphrase ${wrong.ms.toFixed(0)} ms`);
  });
});
