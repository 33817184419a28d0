import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parsePluginManifest } from '../manifest/parse-manifest.js';
import { MarketplaceError } from './marketplace-errors.js';
import { PLUGIN_KEYWORD } from './marketplace.js';
import { packPluginFolder } from './pack-plugin.js';
import { RegistryClient } from './registry-client.js';
import { signPackage, type PluginSignature } from './signatures.js';

export interface PublishOptions {
  /** The plugin's folder (its package.json is the manifest). */
  folder: string;
  registry: string;
  /** The registry's auth token (npm's `_authToken`). */
  token: string;
  /** The publisher's Ed25519 private key. */
  privateKey: KeyObject;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface PublishResult {
  packageName: string;
  version: string;
  integrity: string;
  keyFingerprint: string;
  tarballBytes: number;
}

/**
 * Checks, packs, signs and publishes a plugin: what `npm publish` does, plus the signature over
 * `name@version:integrity`, in the version's `clipshotSignature`. Install scripts are refused,
 * since ClipShot never runs them and a plugin that needs one would not work.
 */
export async function publishPlugin(options: PublishOptions): Promise<PublishResult> {
  const packageJson = await readPackageJson(options.folder);
  const manifest = parsePluginManifest(packageJson);
  const keywords = Array.isArray(packageJson.keywords) ? packageJson.keywords : [];
  if (!keywords.includes(PLUGIN_KEYWORD)) throw new MarketplaceError('publish', `package.json needs "${PLUGIN_KEYWORD}" among its "keywords", or ClipShot's plugin search will not show it`);
  const scripts = (packageJson.scripts ?? {}) as Record<string, unknown>;
  const installScripts = ['preinstall', 'install', 'postinstall'].filter((name) => name in scripts);
  if (installScripts.length > 0) throw new MarketplaceError('publish', `package.json has ${installScripts.join(', ')} script(s); ClipShot never runs install scripts, so bundle what they would build`);

  const tarball = await packPluginFolder(options.folder);
  const integrity = integrityOf(tarball);
  const signature = signPackage(options.privateKey, manifest.packageName, manifest.version, integrity);
  const client = new RegistryClient({ url: options.registry, token: options.token, ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }), ...(options.fetch && { fetch: options.fetch }) });
  await publishTarball(client, packageJson, tarball, signature);
  return { packageName: manifest.packageName, version: manifest.version, integrity, keyFingerprint: signature.keyId, tarballBytes: tarball.length };
}

export function integrityOf(tarball: Uint8Array): string {
  return `sha512-${crypto.createHash('sha512').update(tarball).digest('base64')}`;
}

/**
 * Puts one version into the registry as `npm publish` does (the version document, its tarball
 * attached), with the given signature or none. publishPlugin is the checked way in; this is the
 * step it ends with.
 */
export async function publishTarball(client: RegistryClient, packageJson: Record<string, unknown>, tarball: Buffer, signature: PluginSignature | null): Promise<void> {
  const packageName = String(packageJson.name);
  const version = String(packageJson.version);
  const integrity = integrityOf(tarball);
  const shasum = crypto.createHash('sha1').update(tarball).digest('hex');
  const fileName = `${packageName.replace(/^@[^/]+\//, '')}-${version}.tgz`;
  const body = {
    _id: packageName,
    name: packageName,
    description: typeof packageJson.description === 'string' ? packageJson.description : '',
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        ...packageJson,
        _id: `${packageName}@${version}`,
        ...(signature !== null && { clipshotSignature: signature }),
        dist: { integrity, shasum, tarball: `${client.url}/${packageName}/-/${fileName}` },
      },
    },
    _attachments: { [fileName]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
  };
  try {
    await client.putJson(client.packagePath(packageName), body, `publishing ${packageName}@${version}`);
  } catch (error) {
    if (error instanceof MarketplaceError && error.code === 'http' && error.status === 409) {
      throw new MarketplaceError('publish', `${packageName}@${version} is already in the registry ${client.url}: a version can be published only once; raise "version" in package.json`, 409);
    }
    throw error;
  }
}

async function readPackageJson(folder: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, 'package.json'), 'utf8');
  } catch {
    throw new MarketplaceError('publish', `${folder} has no package.json`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new MarketplaceError('publish', `${path.join(folder, 'package.json')} is not valid JSON (${(error as Error).message})`);
  }
}
