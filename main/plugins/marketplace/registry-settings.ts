import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../security/atomic-file.js';
import { STORE_FILES } from '../store/plugins-dir.js';
import { MarketplaceError } from './marketplace-errors.js';

export const DEFAULT_REGISTRY = 'https://registry.npmjs.org';

const settingsSchema = z.object({ schema: z.literal(1), registry: z.string() });

/** The registry URL in its normal form (no trailing slash); throws 'invalid-url' for anything but http(s). */
export function normaliseRegistryUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new MarketplaceError('invalid-url', `${JSON.stringify(text)} is not a registry URL; expected e.g. ${DEFAULT_REGISTRY}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MarketplaceError('invalid-url', `${text} is not an http(s) URL; expected e.g. ${DEFAULT_REGISTRY}`);
  if (url.username || url.password) throw new MarketplaceError('invalid-url', 'a registry URL must not hold a user name or password; give a token instead');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** The registry the person chose (kept in the plugins folder), else public npm. */
export async function readRegistrySetting(pluginsDir: string): Promise<string> {
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(await fs.readFile(path.join(pluginsDir, STORE_FILES.settings), 'utf8')));
    if (parsed.success) return normaliseRegistryUrl(parsed.data.registry);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError) && !(error instanceof MarketplaceError)) throw error;
  }
  return DEFAULT_REGISTRY;
}

export async function writeRegistrySetting(pluginsDir: string, registry: string): Promise<string> {
  const url = normaliseRegistryUrl(registry);
  await fs.mkdir(pluginsDir, { recursive: true });
  await writeFileAtomic(path.join(pluginsDir, STORE_FILES.settings), `${JSON.stringify({ schema: 1, registry: url }, null, 2)}\n`, { mode: 0o644 });
  return url;
}
