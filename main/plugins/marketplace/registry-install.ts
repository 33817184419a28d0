import type { PluginManifest } from '../../../contract/plugins.js';
import { PluginResolveError } from '../resolve/resolve-errors.js';
import { resolvePlugins } from '../resolve/resolve-plugins.js';
import { notInstalled, type InstallOptions, type InstallResult, type PluginStore } from '../store/plugin-store.js';
import { MarketplaceError } from './marketplace-errors.js';
import type { Marketplace } from './marketplace.js';

export interface RegistryInstallProgress {
  stage: 'resolving' | 'downloading' | 'verifying' | 'extracting';
  receivedBytes: number;
  /** The tarball's size once the registry has said it. */
  totalBytes: number | null;
}

export interface RegistryInstallOptions extends InstallOptions {
  /** Accept a package that is unsigned, or signed by a key not trusted or wrongly (recorded as 'unsigned'). */
  allowUnsigned?: boolean;
  onProgress?: (progress: RegistryInstallProgress) => void;
}

export interface RegistryInstallResult extends InstallResult {
  signature: { keyFingerprint: string } | 'unsigned';
  /** True when the chosen version was already the active one: nothing was downloaded. */
  upToDate: boolean;
}

/**
 * Installs or updates `packageName` from the registry: chooses the newest version matching
 * `range` that works with this ClipShot, with the installed plugins it needs and with the
 * installed plugins that need it (falling back to older versions, as Obsidian does for the app's
 * version), then downloads it, checks integrity and signature, and installs it.
 */
export async function installFromRegistry(store: PluginStore, marketplace: Marketplace, packageName: string, range: string | undefined, options: RegistryInstallOptions = {}): Promise<RegistryInstallResult> {
  const progress = (stage: RegistryInstallProgress['stage'], receivedBytes = 0, totalBytes: number | null = null) => options.onProgress?.({ stage, receivedBytes, totalBytes });
  progress('resolving');
  const packument = await marketplace.packument(packageName);
  const manifests = packument.versions.flatMap((version) => (version.manifest !== null ? [version.manifest] : []));
  if (manifests.length === 0) throw new MarketplaceError('no-version', packument.versions[0]?.problem ?? `${packageName} has no version that is a ClipShot plugin in ${marketplace.registry}`);
  const id = manifests[0]!.id;
  const installed = await store.installed();
  const current = installed.find((plugin) => plugin.manifest.id === id) ?? null;
  const others = installed.filter((plugin) => plugin.manifest.id !== id).map((plugin) => plugin.manifest);
  const available = new Map<string, PluginManifest[]>(others.map((manifest) => [manifest.id, [manifest]]));
  available.set(id, manifests.filter((manifest) => manifest.id === id));
  const dependants = others.filter((manifest) => id in manifest.dependencies);
  // "name@latest" names a dist-tag, the one registries always keep; anything else must be a semver range.
  if (range === 'latest' && packument.latest !== null) range = packument.latest;
  let version: string;
  try {
    const { chosen } = resolvePlugins({
      requested: Object.fromEntries([[id, range ?? '*'], ...dependants.map((manifest) => [manifest.id, manifest.version])]),
      available,
      appVersion: store.appVersion,
      missing: notInstalled,
    });
    version = chosen.get(id)!.version;
  } catch (error) {
    if (error instanceof PluginResolveError) throw new MarketplaceError('no-version', `cannot install ${packageName}${range ? `@${range}` : ''}: ${error.message}`);
    throw error;
  }
  if (current !== null && current.manifest.version === version && current.record.versions[version]?.source === 'registry') {
    return { id, packageName, version, previousVersion: null, dir: current.dir, permissions: current.manifest.permissions, newPermissions: [], signature: current.record.versions[version]!.signature, upToDate: true };
  }
  let size = 0;
  const verified = await marketplace.download(packageName, version, {
    packument,
    ...(options.allowUnsigned !== undefined && { allowUnsigned: options.allowUnsigned }),
    onProgress: (stage, received, total) => {
      size = received;
      progress(stage, received, total);
    },
  });
  progress('extracting', size, size);
  const result = await store.installTarball(
    verified.bytes,
    { source: 'registry', signature: verified.signature, registry: verified.registry, integrity: verified.integrity, expected: { packageName, version } },
    options,
  );
  return { ...result, signature: verified.signature, upToDate: false };
}
