import { scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { EmptyPassphraseError } from './key-errors.js';

export interface ScryptCost { N: number; r: number; p: number }

/** 128 MiB and about 0.6-0.8 s per attempt on a 2-core VM (production-scrypt-cost.test.ts prints the figure). */
export const PRODUCTION_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/*
 * Bounds for costs read from a key file as much as for costs passed in: a tampered file must not
 * be able to make unlocking take gigabytes or minutes. The low end exists for unit tests.
 */
const MAX_SCRYPT_MEMORY = 512 * 1024 * 1024;
export const scryptCostSchema = z.strictObject({
  N: z.number().int().min(2 ** 10).max(2 ** 20).refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(4),
}).refine((cost) => scryptMemory(cost) <= MAX_SCRYPT_MEMORY, 'needs more than 512 MiB of memory');

export function checkScryptCost(cost: ScryptCost): ScryptCost {
  const result = scryptCostSchema.safeParse(cost);
  if (!result.success) throw new RangeError(`invalid scrypt cost ${JSON.stringify(cost)}: ${result.error.issues.map((issue) => issue.message).join('; ')}`);
  return result.data;
}

export interface PassphraseKeys {
  /** Wraps the library key. */
  wrappingKey: Buffer;
  /** Stored in the slot: tells a wrong passphrase apart from a damaged slot before any decryption. */
  check: Buffer;
}

export const PASSPHRASE_CHECK_LENGTH = 16;

/** One scrypt run, split: 32 bytes wrap the key, 16 more check the passphrase. Runs on the libuv pool, not the caller's thread. */
export async function derivePassphraseKeys(passphrase: string, salt: Buffer, cost: ScryptCost): Promise<PassphraseKeys> {
  const secret = passphraseBytes(passphrase);
  try {
    const output = await new Promise<Buffer>((resolve, reject) => {
      scrypt(secret, salt, 32 + PASSPHRASE_CHECK_LENGTH, { ...cost, maxmem: scryptMemory(cost) + 16 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
    });
    const keys = { wrappingKey: Buffer.from(output.subarray(0, 32)), check: Buffer.from(output.subarray(32)) };
    output.fill(0);
    return keys;
  } finally {
    secret.fill(0);
  }
}

export function passphraseMatches(keys: PassphraseKeys, storedCheck: Buffer): boolean {
  return storedCheck.length === keys.check.length && timingSafeEqual(storedCheck, keys.check);
}

/** NFC so that the same passphrase typed on macOS (which may send decomposed accents) and Linux opens the same slot. */
function passphraseBytes(passphrase: string): Buffer {
  if (passphrase.length === 0) throw new EmptyPassphraseError();
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

export function assertPassphraseNotEmpty(passphrase: string): void {
  if (passphrase.length === 0) throw new EmptyPassphraseError();
}

function scryptMemory(cost: ScryptCost): number {
  return 128 * cost.N * cost.r * cost.p;
}
