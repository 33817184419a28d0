import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { Header } from 'tar';
import { keyFingerprint, rawPublicKey } from '../../main/plugins/marketplace/signatures.js';

// A real npm registry for plugin tests: Verdaccio on 127.0.0.1, started in this process (about
// 0.1 s once loaded, against seconds for a child process), storage in a temp folder, no uplinks,
// so nothing ever leaves the machine. Plus what tests publish to it: small plugin folders, publisher
// keys, and hand-made hostile tarballs.

export interface TestRegistry {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** A bearer token of a user created for the test, allowed to publish. */
  token: string;
  /** Verdaccio's storage folder (the published tarballs are in `<storage>/<package>/`). */
  storage: string;
  stop(): Promise<void>;
}

/** Starts a fresh Verdaccio on a free loopback port with one user; stop() closes it and deletes its files. */
export async function startTestRegistry(): Promise<TestRegistry> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-registry-'));
  const storage = path.join(root, 'storage');
  const { runServer } = await import('verdaccio');
  const config = {
    self_path: root,
    storage,
    auth: { htpasswd: { file: path.join(root, 'htpasswd'), max_users: 100 } },
    uplinks: {},
    packages: { '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' } },
    log: { type: 'stdout', format: 'pretty', level: 'fatal' },
    web: { enable: false },
  };
  const server = (await runServer(config as never)) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fs.rm(root, { recursive: true, force: true });
  };
  try {
    const response = await fetch(`${url}/-/user/org.couchdb.user:publisher`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'publisher', password: crypto.randomBytes(12).toString('hex') }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || typeof body.token !== 'string') throw new Error(`Verdaccio did not create the test user (${response.status})`);
    return { url, token: body.token, storage, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface TestPublisher {
  privateKey: KeyObject;
  /** PEM (PKCS#8), as a key file holds it. */
  privateKeyPem: string;
  /** Base64 of the raw public key: what `clipshot plugin trust add` takes. */
  publicKey: string;
  fingerprint: string;
}

export function testPublisher(): TestPublisher {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { privateKey, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: Buffer.from(raw).toString('base64'), fingerprint: keyFingerprint(raw) };
}

export interface TestPluginSpec {
  packageName: string;
  id: string;
  version: string;
  permissions?: string[];
  dependencies?: Record<string, string>;
  engines?: string;
  /** Written into the entry module, so tests can tell versions apart on disk. */
  marker?: string;
  /** More files, path → content. */
  files?: Record<string, string>;
  /** Extra package.json fields (or overrides). */
  extra?: Record<string, unknown>;
}

/** Writes a small plugin (one command, ESM entry) into `<parent>/<packageName>-<version>` and returns that folder. */
export async function writeTestPlugin(parent: string, spec: TestPluginSpec): Promise<string> {
  const folder = path.join(parent, `${spec.packageName.replace('/', '__')}-${spec.version}`);
  await fs.mkdir(folder, { recursive: true });
  const command = `${spec.id}.hello`;
  const packageJson = {
    name: spec.packageName,
    version: spec.version,
    description: `Test plugin ${spec.id}`,
    keywords: ['clipshot-plugin'],
    type: 'module',
    engines: { clipshot: spec.engines ?? '^0.1.0' },
    clipshot: {
      id: spec.id,
      displayName: `Test ${spec.id}`,
      apiVersion: 1,
      main: 'index.js',
      permissions: spec.permissions ?? ['clips:read'],
      dependencies: spec.dependencies ?? {},
      activationEvents: [`onCommand:${command}`],
      contributes: { commands: [{ id: command, title: 'Say hello' }] },
    },
    ...spec.extra,
  };
  await fs.writeFile(path.join(folder, 'package.json'), JSON.stringify(packageJson, null, 2));
  await fs.writeFile(path.join(folder, 'index.js'), `// ${spec.marker ?? `${spec.id}@${spec.version}`}\nexport default { commands: { '${command}': () => 'hello from ${spec.version}' } };\n`);
  for (const [file, content] of Object.entries(spec.files ?? {})) {
    await fs.mkdir(path.dirname(path.join(folder, file)), { recursive: true });
    await fs.writeFile(path.join(folder, file), content);
  }
  return folder;
}

export interface RawTarEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  body?: string;
  linkpath?: string;
}

/** A gzipped tarball written header by header, so it can hold what tar itself would never write (`..`, absolute paths, links). */
export function rawTarball(entries: RawTarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const type = entry.type ?? 'File';
    const header = new Header({ path: entry.path, type, size: type === 'File' ? body.length : 0, mode: type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0, ...(entry.linkpath !== undefined && { linkpath: entry.linkpath }) });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (type === 'File' && body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}
