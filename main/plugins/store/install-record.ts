import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { PluginPermission } from '../../../contract/plugins.js';
import { writeFileAtomic } from '../../security/atomic-file.js';
import { isPluginPermission } from '../manifest/permissions.js';
import { PluginStoreError } from './store-errors.js';

export const INSTALL_RECORD_FILE = 'install.json';

const permission = z.string().refine(isPluginPermission);
const versionRecord = z.object({
  installedAt: z.number(),
  source: z.enum(['registry', 'tarball', 'folder']),
  /** The registry it came from (for updates), when it did. */
  registry: z.string().nullable(),
  /** The tarball's `sha512-…`, when it came as one. */
  integrity: z.string().nullable(),
  signature: z.union([z.literal('unsigned'), z.object({ keyFingerprint: z.string() })]),
  permissions: z.array(permission),
});
const installRecord = z.object({
  schema: z.literal(1),
  id: z.string(),
  packageName: z.string(),
  /** The version that runs. */
  active: z.string(),
  /** Versions that ran before, the most recent first: what a rollback goes back to. */
  previous: z.array(z.string()),
  /** Every permission the person has agreed to for this plugin; a version asking for more asks again. */
  granted: z.array(permission),
  versions: z.record(z.string(), versionRecord),
});

export type VersionRecord = Omit<z.output<typeof versionRecord>, 'permissions'> & { permissions: PluginPermission[] };
export type InstallRecord = Omit<z.output<typeof installRecord>, 'granted' | 'versions'> & { granted: PluginPermission[]; versions: Record<string, VersionRecord> };

/** A plugin's install.json, or null when it has none (not installed); a damaged one is a 'corrupt' error. */
export async function readInstallRecord(pluginFolder: string): Promise<InstallRecord | null> {
  const file = path.join(pluginFolder, INSTALL_RECORD_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed;
  try {
    parsed = installRecord.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success || !(parsed.data.active in parsed.data.versions)) throw new PluginStoreError('corrupt', `${file} is damaged; reinstall the plugin (clipshot plugin install) to repair it`);
  return parsed.data as InstallRecord;
}

/** Replaces install.json in one step: a crash leaves the old record or the new one. */
export async function writeInstallRecord(pluginFolder: string, record: InstallRecord): Promise<void> {
  await writeFileAtomic(path.join(pluginFolder, INSTALL_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
}
