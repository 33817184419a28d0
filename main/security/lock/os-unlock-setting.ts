// Whether this device unlocks its library with OS authentication: a choice about this computer
// (its hardware, its OS account), so it lives beside the library on this device and is never synced.
// It must be readable while the library is locked, which is why it is not in the encrypted database;
// a person who can write this file can also read the keychain slot it gates, so it guards nothing by itself.
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-file.js';

/** The file's name in the library folder. */
export const OS_UNLOCK_SETTINGS_FILE = 'os-unlock.json';

const MAX_FILE_BYTES = 4 * 1024;
const fileSchema = z.object({ enabled: z.boolean() }).strict();

/** Off unless the person turned it on; a missing, oversized or malformed file reads as off. */
export async function readOsUnlockEnabled(libraryDir: string): Promise<boolean> {
  let text: string;
  try {
    const file = path.join(libraryDir, OS_UNLOCK_SETTINGS_FILE);
    if ((await fs.stat(file)).size > MAX_FILE_BYTES) return false;
    text = await fs.readFile(file, 'utf8');
  } catch {
    return false;
  }
  try {
    const parsed = fileSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.enabled;
  } catch {
    return false;
  }
}

export async function writeOsUnlockEnabled(libraryDir: string, enabled: boolean): Promise<void> {
  await writeFileAtomic(path.join(libraryDir, OS_UNLOCK_SETTINGS_FILE), `${JSON.stringify({ enabled })}\n`, { mode: 0o600 });
}
