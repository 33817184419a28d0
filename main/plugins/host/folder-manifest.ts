import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ActivationEvent, PluginManifest, PluginPermission } from '../../../contract/plugins.js';

/** Reads and checks the manifest in a plugin folder's package.json; throws with the reason. */
export type ManifestReader = (pluginDir: string) => Promise<PluginManifest>;

export class FolderManifestError extends Error {
  constructor(readonly pluginDir: string, reason: string) {
    super(`${path.join(pluginDir, 'package.json')}: ${reason}`);
    this.name = 'FolderManifestError';
  }
}

const contribution = z.object({ id: z.string().min(1), title: z.string().min(1) });
const emptyContributions = { commands: [], importers: [], exporters: [], analyzers: [], panels: [], themes: [], keybindings: [] };

/**
 * The package.json layout the registry's parser (main/plugins/manifest/) reads: name, version,
 * description and engines.clipshot as npm has them, the rest in `clipshot`. This is the plain
 * structural check the host needs to run a folder; the full validation with a message for each
 * mistake is that parser's, passed in as a ManifestReader where it is available.
 */
const packageJsonSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  engines: z.object({ clipshot: z.string().min(1) }),
  clipshot: z.object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    displayName: z.string().optional(),
    apiVersion: z.number().int(),
    main: z.string().min(1).optional(),
    permissions: z.array(z.string().regex(/^(clips:read|clips:write|blobs:read|ui:panel|clipboard|net:[a-z0-9.[\]:-]+)$/i)).default([]),
    dependencies: z.record(z.string(), z.string()).default({}),
    activationEvents: z.array(z.string().regex(/^(onStartup|on(Command|Import|Export|Analyze|Panel):.+)$/)).default([]),
    contributes: z
      .object({
        commands: z.array(contribution).default([]),
        importers: z.array(contribution.extend({ extensions: z.array(z.string()) })).default([]),
        exporters: z.array(contribution.extend({ extension: z.string() })).default([]),
        analyzers: z.array(contribution.extend({ kinds: z.array(z.enum(['image', 'video', 'text'])) })).default([]),
        panels: z.array(contribution.extend({ entry: z.string() })).default([]),
        themes: z.array(contribution.extend({ path: z.string() })).default([]),
        keybindings: z.array(z.object({ command: z.string(), key: z.string() })).default([]),
      })
      .default(emptyContributions),
  }),
});

export const readFolderManifest: ManifestReader = async (pluginDir) => {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(path.join(pluginDir, 'package.json'), 'utf8'));
  } catch (error) {
    throw new FolderManifestError(pluginDir, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(error as Error).message})`);
  }
  const parsed = packageJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FolderManifestError(pluginDir, `${issue.path.join('.') || 'package.json'}: ${issue.message}`);
  }
  const { name, version, description, engines, clipshot } = parsed.data;
  return {
    id: clipshot.id,
    packageName: name,
    version,
    displayName: clipshot.displayName ?? name,
    description: description ?? '',
    engines: { clipshot: engines.clipshot },
    apiVersion: clipshot.apiVersion,
    main: clipshot.main ?? null,
    permissions: clipshot.permissions as PluginPermission[],
    dependencies: clipshot.dependencies,
    activationEvents: clipshot.activationEvents as ActivationEvent[],
    contributes: clipshot.contributes,
  };
};
