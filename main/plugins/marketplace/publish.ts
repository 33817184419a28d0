import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parsePluginManifest } from '../manifest/parse-manifest.js';
import { MarketplaceError } from './marketplace-errors.js';
import { PLUGIN_KEYWORD } from './marketplace.js';
import { packPluginFolder } from './pack-plugin.js';
import { RegistryClient } from './registry-client.js';
import { signPackage } from './signatures.js';

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
  const packageJson = JSON.parse(await fs.readFile(path.join(options.folder, 'package.json'), 'utf8').catch(() => {
    throw new MarketplaceError('publish', `${options.folder} has no package.json`);
  })) as Record<string, unknown>;
  const manifest = parsePluginManifest(packageJson);
  const keywords = Array.isArray(packageJson.keywords) ? packageJson.keywords : [];
  if (!keywords.includes(PLUGIN_KEYWORD)) throw new MarketplaceError('publish', `package.json needs "${PLUGIN_KEYWORD}" among its "keywords", or ClipShot's plugin search will not show it`);
  const scripts = (packageJson.scripts ?? {}) as Record<string, unknown>;
  const installScripts = ['preinstall', 'install', 'postinstall'].filter((name) => name in scripts);
  if (installScripts.length > 0) throw new MarketplaceError('publish', `package.json has ${installScripts.join(', ')} script(s); ClipShot never runs install scripts, so bundle what they would build`);

  const tarball = await packPluginFolder(options.folder);
  const integrity = `sha512-${crypto.createHash('sha512').update(tarball).digest('base64')}`;
  const shasum = crypto.createHash('sha1').update(tarball).digest('hex');
  const signature = signPackage(options.privateKey, manifest.packageName, manifest.version, integrity);
  const client = new RegistryClient({ url: options.registry, token: options.token, ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }), ...(options.fetch && { fetch: options.fetch }) });
  const fileName = `${manifest.packageName.replace(/^@[^/]+\//, '')}-${manifest.version}.tgz`;
  const tarballPath = `${client.packagePath(manifest.packageName)}/-/${fileName}`;
  const body = {
    _id: manifest.packageName,
    name: manifest.packageName,
    description: manifest.description,
    'dist-tags': { latest: manifest.version },
    versions: {
      [manifest.version]: {
        ...packageJson,
        _id: `${manifest.packageName}@${manifest.version}`,
        clipshotSignature: signature,
        dist: { integrity, shasum, tarball: `${client.url}${tarballPath.replace(/%2f/i, '/')}` },
      },
    },
    _attachments: { [fileName]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
  };
  try {
    await client.putJson(client.packagePath(manifest.packageName), body, `publishing ${manifest.packageName}@${manifest.version}`);
  } catch (error) {
    if (error instanceof MarketplaceError && error.code === 'http' && (error.status === 409 || error.status === 400)) {
      throw new MarketplaceError('publish', `the registry refused ${manifest.packageName}@${manifest.version}: ${error.message} (a version can be published once; raise "version")`, error.status);
    }
    throw error;
  }
  return { packageName: manifest.packageName, version: manifest.version, integrity, keyFingerprint: signature.keyId, tarballBytes: tarball.length };
}
