// The plugins of a test core, for real: a Verdaccio registry (tests/helpers/registry.ts) with the
// example plugins (or variants of them) published signed by a test publisher whose key the
// plugins folder trusts, and a PluginService over a temp plugins folder running plugins in
// real processes (the built runtime: `npx tsc -p tsconfig.json` first).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Library } from '../../main/library/library.js';
import { libraryAccessOver } from '../../main/plugins/host/library-access-over-library.js';
import type { PluginHostLimits } from '../../main/plugins/host/plugin-host-limits.js';
import { packPluginFolder } from '../../main/plugins/marketplace/pack-plugin.js';
import { publishPlugin, publishTarball } from '../../main/plugins/marketplace/publish.js';
import { RegistryClient } from '../../main/plugins/marketplace/registry-client.js';
import { TrustedKeys } from '../../main/plugins/marketplace/trusted-keys.js';
import { PluginService } from '../../main/plugins/plugin-service.js';
import { PLUGINS_DIR } from './example-plugins.js';
import { startTestRegistry, testPublisher, type TestPublisher, type TestRegistry } from './registry.js';
import { testLauncher } from './test-plugins.js';

export interface TestMarketplace {
  registry: TestRegistry;
  publisher: TestPublisher;
  /** Publishes the folder signed by the trusted test publisher. */
  publishSigned(folder: string): Promise<void>;
  /** Publishes the folder with no signature at all. */
  publishUnsigned(folder: string): Promise<void>;
  /** A copy of the example plugin `name` with its package.json changed (another version, more permissions…), in `parent`. */
  exampleVariant(parent: string, name: string, changes: { version?: string; permissions?: string[] }): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestMarketplace(): Promise<TestMarketplace> {
  const registry = await startTestRegistry();
  const publisher = testPublisher();
  return {
    registry,
    publisher,
    publishSigned: async (folder) => {
      await publishPlugin({ folder, registry: registry.url, token: registry.token, privateKey: publisher.privateKey });
    },
    publishUnsigned: async (folder) => {
      const packageJson = JSON.parse(await fs.readFile(path.join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
      await publishTarball(new RegistryClient({ url: registry.url, token: registry.token }), packageJson, await packPluginFolder(folder), null);
    },
    exampleVariant: async (parent, name, changes) => {
      const folder = path.join(parent, `${name}-${changes.version ?? 'copy'}`);
      await fs.cp(path.join(PLUGINS_DIR, name), folder, { recursive: true });
      const file = path.join(folder, 'package.json');
      const packageJson = JSON.parse(await fs.readFile(file, 'utf8')) as { version: string; clipshot: { permissions: string[] } };
      if (changes.version) packageJson.version = changes.version;
      if (changes.permissions) packageJson.clipshot.permissions = changes.permissions;
      await fs.writeFile(file, JSON.stringify(packageJson, null, 2));
      return folder;
    },
    stop: () => registry.stop(),
  };
}

/** A plugins folder that trusts the marketplace's publisher, and the service of an instance over it. */
export async function startTestPluginService(library: Library, pluginsDir: string, marketplace: TestMarketplace, limits?: Partial<PluginHostLimits>): Promise<PluginService> {
  await fs.mkdir(pluginsDir, { recursive: true });
  await new TrustedKeys(pluginsDir).add(marketplace.publisher.publicKey, 'Test Publisher');
  // Audited as the instance's service is (main/plugins/instance-plugins.ts).
  return PluginService.start({ dir: pluginsDir, launcher: testLauncher(), library: libraryAccessOver(library), registry: marketplace.registry.url, audit: library.audit, ...(limits && { limits }) });
}
