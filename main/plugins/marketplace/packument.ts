import semver from 'semver';
import { z } from 'zod';
import type { PluginManifest } from '../../../contract/plugins.js';
import { PluginManifestError } from '../manifest/manifest-error.js';
import { parsePluginManifest } from '../manifest/parse-manifest.js';
import { MarketplaceError } from './marketplace-errors.js';

/** One published version as the registry describes it. */
export interface RegistryVersion {
  version: string;
  /** Its manifest, or null when its package.json is not a valid plugin (then `problem` says why). */
  manifest: PluginManifest | null;
  problem: string | null;
  tarball: string;
  /** The tarball's `sha512-<base64>`, or null when the registry lists none (such a version cannot be installed). */
  integrity: string | null;
  /** The publisher's signature as published (checked by verifyPackageSignature). */
  signature: unknown;
  publisher: string | null;
}

export interface Packument {
  name: string;
  latest: string | null;
  /** Newest first. */
  versions: RegistryVersion[];
}

const packumentSchema = z.looseObject({
  name: z.string(),
  'dist-tags': z.record(z.string(), z.string()).optional(),
  versions: z.record(z.string(), z.unknown()),
});
const versionSchema = z.looseObject({
  dist: z.looseObject({ tarball: z.string(), integrity: z.string().optional() }),
  clipshotSignature: z.unknown().optional(),
  _npmUser: z.looseObject({ name: z.string() }).optional(),
  maintainers: z.array(z.looseObject({ name: z.string() })).optional(),
});

/** Reads a registry's document for a package (its "packument"), keeping what plugins need. */
export function parsePackument(json: unknown, packageName: string, registry: string): Packument {
  const parsed = packumentSchema.safeParse(json);
  if (!parsed.success || parsed.data.name !== packageName) throw new MarketplaceError('bad-response', `the registry ${registry} sent a malformed document for ${packageName}`);
  const versions: RegistryVersion[] = [];
  for (const [version, document] of Object.entries(parsed.data.versions)) {
    if (semver.valid(version) !== version) continue;
    const fields = versionSchema.safeParse(document);
    if (!fields.success) continue;
    let manifest: PluginManifest | null = null;
    let problem: string | null = null;
    try {
      manifest = parsePluginManifest(document);
      if (manifest.version !== version || manifest.packageName !== packageName) {
        problem = `the registry lists ${packageName}@${version} with the package.json of ${manifest.packageName}@${manifest.version}`;
        manifest = null;
      }
    } catch (error) {
      if (!(error instanceof PluginManifestError)) throw error;
      problem = error.about(`${packageName}@${version}`).message;
    }
    versions.push({
      version,
      manifest,
      problem,
      tarball: fields.data.dist.tarball,
      integrity: sha512Of(fields.data.dist.integrity),
      signature: fields.data.clipshotSignature,
      publisher: fields.data._npmUser?.name ?? fields.data.maintainers?.[0]?.name ?? null,
    });
  }
  versions.sort((a, b) => semver.rcompare(a.version, b.version));
  return { name: packageName, latest: parsed.data['dist-tags']?.latest ?? null, versions };
}

/** The sha512 entry of an SRI string (which may list several hashes). */
function sha512Of(integrity: string | undefined): string | null {
  return integrity?.split(/\s+/).find((entry) => /^sha512-[A-Za-z0-9+/]+={0,2}$/.test(entry)) ?? null;
}
