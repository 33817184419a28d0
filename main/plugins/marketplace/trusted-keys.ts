import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../security/atomic-file.js';
import { STORE_FILES } from '../store/plugins-dir.js';
import { MarketplaceError } from './marketplace-errors.js';
import { keyFingerprint, parsePublicKey, type TrustedKey } from './signatures.js';

const fileSchema = z.object({
  schema: z.literal(1),
  keys: z.array(z.object({ fingerprint: z.string(), publicKey: z.string(), name: z.string(), addedAt: z.number() })),
});

/**
 * The publisher keys the person trusts, in a JSON file in the plugins folder (public keys are not
 * secrets; what matters is that only the person adds them).
 */
export class TrustedKeys {
  private readonly file: string;

  constructor(pluginsDir: string) {
    this.file = path.join(pluginsDir, STORE_FILES.trustedKeys);
  }

  async list(): Promise<TrustedKey[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed;
    try {
      parsed = fileSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) throw new Error(`${this.file} is damaged: fix or delete it, then add the keys you trust again`);
    return parsed.data.keys;
  }

  /** Trusts a key given as PEM text or base64; adding one already trusted renames it. */
  async add(publicKeyText: string, name: string): Promise<TrustedKey> {
    const raw = parsePublicKey(publicKeyText);
    const key: TrustedKey = { fingerprint: keyFingerprint(raw), publicKey: Buffer.from(raw).toString('base64'), name: name.trim() || 'unnamed publisher', addedAt: Date.now() };
    const keys = (await this.list()).filter((existing) => existing.fingerprint !== key.fingerprint);
    await this.write([...keys, key]);
    return key;
  }

  /** Stops trusting the key with this fingerprint (or name). */
  async remove(fingerprintOrName: string): Promise<TrustedKey> {
    const keys = await this.list();
    const matches = keys.filter((key) => key.fingerprint === fingerprintOrName || key.name === fingerprintOrName);
    if (matches.length !== 1) {
      throw new MarketplaceError('invalid-key', matches.length === 0 ? `no trusted key ${fingerprintOrName} (see: clipshot plugin trust list)` : `${matches.length} trusted keys are named ${fingerprintOrName}: give the fingerprint`);
    }
    await this.write(keys.filter((key) => key !== matches[0]));
    return matches[0]!;
  }

  private async write(keys: TrustedKey[]): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify({ schema: 1, keys }, null, 2)}\n`, { mode: 0o644 });
  }
}
