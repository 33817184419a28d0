import crypto from 'node:crypto';
import semver from 'semver';
import { z } from 'zod';
import type { MarketplacePluginView, PluginDetailsView, PluginManifest, PluginPermission } from '../../../contract/plugins.js';
import { clipshotVersion } from '../manifest/app-version.js';
import { addedPermissions } from '../manifest/permissions.js';
import { worksWith } from '../resolve/resolve-plugins.js';
import { DEFAULT_PACKAGE_LIMITS } from '../store/package-limits.js';
import { MarketplaceError } from './marketplace-errors.js';
import { parsePackument, type Packument, type RegistryVersion } from './packument.js';
import { RegistryClient } from './registry-client.js';
import { verifyPackageSignature, type TrustedKey } from './signatures.js';

/** Packages that are ClipShot plugins carry this keyword; search shows only those. */
export const PLUGIN_KEYWORD = 'clipshot-plugin';

export interface MarketplaceOptions {
  registry: string;
  trustedKeys: readonly TrustedKey[];
  appVersion?: string;
  timeoutMs?: number;
  token?: string;
  fetch?: typeof fetch;
}

/** What a person sees before installing, plus what the installer needs. */
export interface RegistryPluginDetails extends PluginDetailsView {
  manifest: PluginManifest;
  /** Why `signed` is false, in plain words (null when it is true). */
  signatureProblem: string | null;
  /** The trusted key's name and fingerprint when signed. */
  signer: { name: string; fingerprint: string } | null;
}

/** A tarball whose integrity has been checked against the registry and whose signature against the trusted keys. */
export interface VerifiedPackage {
  packageName: string;
  version: string;
  bytes: Uint8Array;
  integrity: string;
  signature: { keyFingerprint: string } | 'unsigned';
  registry: string;
}

const searchSchema = z.object({
  objects: z.array(
    z.looseObject({
      package: z.looseObject({
        name: z.string(),
        version: z.string().optional(),
        description: z.string().optional(),
        keywords: z.array(z.string()).optional(),
        'dist-tags': z.record(z.string(), z.string()).optional(),
        publisher: z.looseObject({ username: z.string().optional() }).optional(),
        maintainers: z.array(z.looseObject({ username: z.string().optional() })).optional(),
      }),
    }),
  ),
});

/** An npm-compatible registry seen as a plugin marketplace. */
export class Marketplace {
  readonly registry: string;
  private readonly client: RegistryClient;
  private readonly trustedKeys: readonly TrustedKey[];
  private readonly appVersion: string;

  constructor(options: MarketplaceOptions) {
    this.client = new RegistryClient({ url: options.registry, ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }), ...(options.token !== undefined && { token: options.token }), ...(options.fetch && { fetch: options.fetch }) });
    this.registry = this.client.url;
    this.trustedKeys = options.trustedKeys;
    this.appVersion = options.appVersion ?? clipshotVersion();
  }

  /** Plugins matching `text` (all plugins when empty), as the registry ranks them. */
  async search(text: string, options: { limit?: number } = {}): Promise<MarketplacePluginView[]> {
    const limit = options.limit ?? 20;
    // Registries differ in what a query may say (Verdaccio knows no "keywords:"), so the keyword is
    // checked here on a larger page of plain text matches.
    const query = new URLSearchParams({ text: text.trim() || PLUGIN_KEYWORD, size: String(Math.min(250, Math.max(limit * 5, 50))) });
    const json = await this.client.getJson(`/-/v1/search?${query}`, `searching for ${JSON.stringify(text)}`);
    const parsed = searchSchema.safeParse(json);
    if (!parsed.success) throw new MarketplaceError('bad-response', `the registry ${this.registry} answered the search with a malformed result`);
    return parsed.data.objects
      .map((object) => object.package)
      .filter((pkg) => pkg.keywords?.includes(PLUGIN_KEYWORD))
      .slice(0, limit)
      .map((pkg) => ({
        packageName: pkg.name,
        id: null,
        version: pkg.version ?? pkg['dist-tags']?.latest ?? '',
        description: pkg.description ?? '',
        publisher: pkg.publisher?.username ?? pkg.maintainers?.[0]?.username ?? null,
      }));
  }

  /** The package's published versions, newest first. */
  async packument(packageName: string): Promise<Packument> {
    const json = await this.client.getJson(this.client.packagePath(packageName), `${packageName}`);
    return parsePackument(json, packageName, this.registry);
  }

  /**
   * One version's details: by default the newest that works with this ClipShot (else the newest),
   * or the newest matching `range`. With `installed`, `newPermissions` lists what an update would add.
   */
  async details(packageName: string, options: { range?: string; installed?: { granted: readonly PluginPermission[] } | null } = {}): Promise<RegistryPluginDetails> {
    const packument = await this.packument(packageName);
    const chosen = this.pick(packument, options.range);
    const manifest = chosen.manifest!;
    let signer: RegistryPluginDetails['signer'] = null;
    let signatureProblem: string | null = null;
    try {
      if (chosen.integrity === null) throw new MarketplaceError('integrity', `${packageName}@${chosen.version} lists no sha512 integrity`);
      const { keyFingerprint } = verifyPackageSignature(chosen.signature, this.trustedKeys, packageName, chosen.version, chosen.integrity);
      signer = { fingerprint: keyFingerprint, name: this.trustedKeys.find((key) => key.fingerprint === keyFingerprint)!.name };
    } catch (error) {
      if (!(error instanceof MarketplaceError)) throw error;
      signatureProblem = error.message;
    }
    return {
      packageName,
      id: manifest.id,
      version: chosen.version,
      description: manifest.description,
      publisher: chosen.publisher,
      permissions: manifest.permissions,
      newPermissions: options.installed ? addedPermissions(options.installed.granted, manifest.permissions) : [],
      versions: packument.versions.filter((version) => version.manifest !== null).map((version) => version.version),
      signed: signer !== null,
      compatible: worksWith(manifest, this.appVersion),
      manifest,
      signatureProblem,
      signer,
    };
  }

  /**
   * Downloads a version's tarball and checks, before anything else, that its sha512 is the one the
   * registry lists; then its publisher signature. An unsigned package, or one signed by an unknown
   * key or wrongly, is refused unless `allowUnsigned` (then it counts as 'unsigned').
   */
  async download(packageName: string, version: string, options: { allowUnsigned?: boolean; packument?: Packument; onProgress?: (stage: 'downloading' | 'verifying', receivedBytes: number, totalBytes: number | null) => void } = {}): Promise<VerifiedPackage> {
    const packument = options.packument ?? (await this.packument(packageName));
    const entry = packument.versions.find((candidate) => candidate.version === version);
    if (entry === undefined) throw new MarketplaceError('not-found', `${packageName}@${version} is not in the registry ${this.registry} (there: ${packument.versions.map((candidate) => candidate.version).join(', ') || 'none'})`, 404);
    if (entry.integrity === null) throw new MarketplaceError('integrity', `${packageName}@${version} lists no sha512 integrity in ${this.registry}, so it cannot be checked; refused`);
    const bytes = await this.client.getBytes(entry.tarball, `the tarball of ${packageName}@${version}`, DEFAULT_PACKAGE_LIMITS.maxTarballBytes, (received, total) => options.onProgress?.('downloading', received, total));
    options.onProgress?.('verifying', bytes.byteLength, bytes.byteLength);
    const actual = `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`;
    if (actual !== entry.integrity) {
      throw new MarketplaceError('integrity', `the tarball of ${packageName}@${version} does not match the registry's integrity (expected ${entry.integrity.slice(0, 24)}…, got ${actual.slice(0, 24)}…): it was changed or damaged; refused`);
    }
    let signature: VerifiedPackage['signature'];
    try {
      signature = verifyPackageSignature(entry.signature, this.trustedKeys, packageName, version, entry.integrity);
    } catch (error) {
      if (!(error instanceof MarketplaceError) || !options.allowUnsigned) throw error;
      signature = 'unsigned';
    }
    return { packageName, version, bytes, integrity: entry.integrity, signature, registry: this.registry };
  }

  private pick(packument: Packument, range: string | undefined): RegistryVersion & { manifest: PluginManifest } {
    const valid = packument.versions.filter((version): version is RegistryVersion & { manifest: PluginManifest } => version.manifest !== null);
    if (range !== undefined) {
      const exact = packument.versions.find((version) => version.version === range);
      if (exact !== undefined && exact.manifest === null) throw new MarketplaceError('no-version', exact.problem ?? `${packument.name}@${range} is not a valid plugin`);
      const match = valid.find((version) => semver.satisfies(version.version, range));
      if (match === undefined) throw new MarketplaceError('no-version', `no version of ${packument.name} matches ${range} in ${this.registry} (there: ${valid.map((version) => version.version).join(', ') || 'none'})`);
      return match;
    }
    const best = valid.find((version) => worksWith(version.manifest, this.appVersion)) ?? valid[0];
    if (best === undefined) {
      const problem = packument.versions[0]?.problem;
      throw new MarketplaceError('no-version', problem ?? `${packument.name} has no version that is a ClipShot plugin in ${this.registry}`);
    }
    return best;
  }
}
