import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline/promises';
import type { InstalledPluginView, PluginPermission } from '../../contract/plugins.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { writeFileAtomic } from '../security/atomic-file.js';
import { PluginManifestError } from '../plugins/manifest/manifest-error.js';
import { describePermission } from '../plugins/manifest/permissions.js';
import type { Marketplace } from '../plugins/marketplace/marketplace.js';
import { openMarketplace } from '../plugins/marketplace/open-marketplace.js';
import { publishPlugin } from '../plugins/marketplace/publish.js';
import { installFromRegistry, type RegistryInstallResult } from '../plugins/marketplace/registry-install.js';
import { normaliseRegistryUrl, readRegistrySetting, writeRegistrySetting } from '../plugins/marketplace/registry-settings.js';
import { generatePublisherKey, parsePrivateKey } from '../plugins/marketplace/signatures.js';
import { TrustedKeys } from '../plugins/marketplace/trusted-keys.js';
import { PluginResolveError } from '../plugins/resolve/resolve-errors.js';
import { MarketplaceError } from '../plugins/marketplace/marketplace-errors.js';
import { PluginStoreError } from '../plugins/store/store-errors.js';
import { PluginStore, type InstallOptions, type InstallResult, type PermissionRequest } from '../plugins/store/plugin-store.js';
import { defaultPluginsDir } from '../plugins/store/plugins-dir.js';
import { UsageError } from './parse-args.js';
import type { AuditDetails } from '../../contract/audit.js';
import type { AuditRecorder } from '../security/audit/audit-log.js';
import { auditPluginChange, type PluginChangeKind } from '../plugins/plugin-audit.js';
import { CLI_ACTOR } from './cli-actor.js';

/** Where `clipshot plugin publish` finds the registry's auth token (never on the command line, where `ps` shows it). */
export const REGISTRY_TOKEN_ENV = 'CLIPSHOT_REGISTRY_TOKEN';

interface Terminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

interface Context {
  args: string[];
  request: CommandRequest;
  output: CommandOutput;
  terminal: Terminal;
  json: boolean;
  dir: string;
  store: PluginStore;
  /** Where changes to the plugins are recorded: the library's audit log (through its pending journal), if there is a library. */
  audit: AuditRecorder | null;
}

type Handler = (context: Context) => Promise<number>;

/**
 * `clipshot plugin …`: works on the plugins folder directly (no running instance needed). Each
 * action is one handler below; `run` and `dev` (the plugin host's) are added beside them.
 */
const ACTIONS: Record<string, Handler> = { search, info, install, update, remove, list, rollback, trust, publish, registry, keygen };

export async function runPluginCommand(request: CommandRequest, output: CommandOutput, audit: AuditRecorder | null = null, terminal: Terminal = { input: process.stdin, output: process.stderr }): Promise<number> {
  const [action = 'list', ...args] = request.positionals;
  const handler = ACTIONS[action];
  if (!handler) throw new UsageError(`plugin: unknown action "${action}" (${Object.keys(ACTIONS).join(', ')})`);
  const dir = defaultPluginsDir();
  try {
    return await handler({ args, request, output, terminal, json: request.options.json === true, dir, store: new PluginStore({ dir }), audit });
  } catch (error) {
    // These may list several problems, one per line; the CLI's usual error line would show only the first.
    if (error instanceof PluginManifestError || error instanceof PluginResolveError || error instanceof MarketplaceError || error instanceof PluginStoreError) {
      output.stderr(`clipshot: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function recordChange(context: Context, kind: PluginChangeKind, pluginId: string, details: AuditDetails): void {
  auditPluginChange(context.audit, CLI_ACTOR, kind, pluginId, details);
}

function expectArgs(context: Context, min: number, max: number, usage: string): void {
  if (context.args.length < min || context.args.length > max) throw new UsageError(`plugin ${context.request.positionals[0]}: ${usage}`);
}

function stringOption(context: Context, name: string): string | undefined {
  const value = context.request.options[name];
  return typeof value === 'string' ? value : undefined;
}

function marketplaceFor(context: Context, registryFromRecord?: string | null): Promise<Marketplace> {
  return openMarketplace(context.dir, { registry: stringOption(context, 'registry') ?? registryFromRecord ?? null, appVersion: context.store.appVersion });
}

function print(context: Context, value: unknown, text: string): void {
  context.output.stdout(context.json ? `${JSON.stringify(value)}\n` : text.endsWith('\n') || text === '' ? text : `${text}\n`);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('  ')).join('\n');
}

function permissionLines(permissions: readonly PluginPermission[]): string {
  return permissions.length === 0 ? '  (none)' : permissions.map((permission) => `  ${permission.padEnd(24)} ${describePermission(permission)}`).join('\n');
}

async function search(context: Context): Promise<number> {
  const marketplace = await marketplaceFor(context);
  const hits = await marketplace.search(context.args.join(' '));
  if (context.json) print(context, hits, '');
  else if (hits.length === 0) print(context, hits, `no plugins found in ${marketplace.registry}`);
  else print(context, hits, table(['NAME', 'VERSION', 'PUBLISHER', 'DESCRIPTION'], hits.map((hit) => [hit.packageName, hit.version, hit.publisher ?? '', hit.description])));
  return 0;
}

/** `name`, `name@range`, `@scope/name@range`. */
function parseSpec(spec: string): { packageName: string; range: string | undefined } {
  const at = spec.lastIndexOf('@');
  if (at <= 0) return { packageName: spec, range: undefined };
  return { packageName: spec.slice(0, at), range: spec.slice(at + 1) || undefined };
}

async function info(context: Context): Promise<number> {
  expectArgs(context, 1, 1, 'give one package name, e.g. clipshot plugin info clipshot-plugin-gallery[@1.2.0]');
  const { packageName, range } = parseSpec(context.args[0]!);
  const marketplace = await marketplaceFor(context);
  const installed = await context.store.find(packageName);
  const details = await marketplace.details(packageName, { ...(range !== undefined && { range }), installed: installed && { granted: installed.record.granted } });
  const lines = [
    `${details.packageName}@${details.version}  (${details.manifest.displayName}, id ${details.id})`,
    details.description,
    `versions:    ${details.versions.join(', ')}`,
    `works with:  ClipShot ${details.manifest.engines.clipshot}${details.compatible ? '' : ` (not this one, ${context.store.appVersion})`}`,
    `signed:      ${details.signer ? `yes, by ${details.signer.name} (${details.signer.fingerprint})` : `no: ${details.signatureProblem}`}`,
    `installed:   ${installed ? installed.manifest.version : 'no'}`,
    'permissions:',
    permissionLines(details.permissions),
  ];
  if (installed && details.newPermissions.length > 0) lines.push('new in this version (you will be asked):', permissionLines(details.newPermissions));
  const { manifest, ...view } = details;
  print(context, { ...view, contributes: manifest.contributes, engines: manifest.engines }, lines.filter((line) => line !== '').join('\n'));
  return 0;
}

/** How the CLI agrees to permissions: --yes, else a question on a terminal, else a refusal naming them. */
function consent(context: Context): InstallOptions {
  return {
    confirm: async (request: PermissionRequest) => {
      const what = `${request.id}@${request.version} ${request.previousVersion ? `(update from ${request.previousVersion}) asks for new permissions` : 'asks for these permissions'}`;
      if (context.request.options.yes === true) {
        if (!context.json) context.output.stderr(`${what}; allowed with --yes:\n${permissionLines(request.newPermissions)}\n`);
        return true;
      }
      if (context.terminal.input.isTTY !== true) {
        throw new UsageError(`${what}: ${request.newPermissions.join(', ')}; nothing was changed: run again with --yes to allow ${request.newPermissions.length === 1 ? 'it' : 'them'}`);
      }
      const prompt = readline.createInterface({ input: context.terminal.input, output: context.terminal.output });
      try {
        return /^y(es)?$/i.test((await prompt.question(`${what}:\n${permissionLines(request.newPermissions)}\nAllow? [y/N] `)).trim());
      } finally {
        prompt.close();
      }
    },
  };
}

function installedText(result: InstallResult | RegistryInstallResult, verb: string): string {
  const signature = 'signature' in result ? (result.signature === 'unsigned' ? ', unsigned' : `, signed by ${result.signature.keyFingerprint}`) : ', unsigned';
  const from = result.previousVersion ? ` (was ${result.previousVersion})` : '';
  return `${verb} ${result.id}@${result.version}${from}${signature} in ${result.dir}`;
}

async function install(context: Context): Promise<number> {
  expectArgs(context, 1, 1, 'give one package name[@version], .tgz file or folder');
  const spec = context.args[0]!;
  const allowUnsigned = context.request.options['allow-unsigned'] === true;
  const local = await localSource(path.resolve(context.request.cwd, spec), spec);
  if (local !== null) {
    if (!allowUnsigned) throw new UsageError(`plugin install: ${spec} is a local ${local === 'folder' ? 'folder' : 'tarball'}, which carries no publisher signature: run again with --allow-unsigned to install it anyway`);
    const file = path.resolve(context.request.cwd, spec);
    const result = local === 'folder' ? await context.store.installFolder(file, consent(context)) : await context.store.installTarballFile(file, consent(context));
    recordChange(context, result.previousVersion === null ? 'plugin-install' : 'plugin-update', result.id, { version: result.version, from: result.previousVersion, source: local, granted: result.newPermissions.join(',') });
    print(context, { ...result, signature: 'unsigned' }, installedText(result, 'installed'));
    return 0;
  }
  const { packageName, range } = parseSpec(spec);
  const marketplace = await marketplaceFor(context);
  const result = await installFromRegistry(context.store, marketplace, packageName, range, { ...consent(context), allowUnsigned });
  if (!result.upToDate) recordChange(context, result.previousVersion === null ? 'plugin-install' : 'plugin-update', result.id, { version: result.version, from: result.previousVersion, source: 'registry', granted: result.newPermissions.join(',') });
  print(context, result, result.upToDate ? `${result.id}@${result.version} is already installed` : installedText(result, 'installed'));
  return 0;
}

/** 'folder' or 'tarball' when `spec` names something on disk (or looks like a path), else null: a registry package. */
async function localSource(absolute: string, spec: string): Promise<'folder' | 'tarball' | null> {
  const stat = await fs.stat(absolute).catch(() => null);
  if (stat?.isDirectory()) return 'folder';
  if (stat?.isFile()) return 'tarball';
  if (/^(\.{1,2}[\\/]|[\\/]|~)/.test(spec) || /\.(tgz|tar\.gz)$/.test(spec)) throw new UsageError(`plugin install: ${spec} does not exist`);
  return null;
}

async function update(context: Context): Promise<number> {
  expectArgs(context, 0, 1, 'give a plugin id or package name, or nothing to update every plugin from a registry');
  const installed = await context.store.installed();
  let targets = installed;
  if (context.args.length === 1) {
    const found = await context.store.find(context.args[0]!);
    if (found === null) throw new UsageError(`plugin update: no plugin ${context.args[0]} is installed (see: clipshot plugin list)`);
    const source = found.record.versions[found.manifest.version]!.source;
    if (source !== 'registry') throw new UsageError(`plugin update: ${found.manifest.id} was installed from a ${source}: install it again from there`);
    targets = [found];
  } else {
    targets = installed.filter((plugin) => plugin.record.versions[plugin.manifest.version]!.source === 'registry');
  }
  const results: unknown[] = [];
  let failed = 0;
  for (const plugin of targets) {
    try {
      const marketplace = await marketplaceFor(context, plugin.record.versions[plugin.manifest.version]!.registry);
      const result = await installFromRegistry(context.store, marketplace, plugin.manifest.packageName, undefined, { ...consent(context), allowUnsigned: context.request.options['allow-unsigned'] === true });
      results.push(result);
      if (!result.upToDate) recordChange(context, 'plugin-update', result.id, { version: result.version, from: result.previousVersion, source: 'registry', granted: result.newPermissions.join(',') });
      if (!context.json) context.output.stdout(`${result.upToDate ? `${result.id} is up to date (${result.version})` : installedText(result, 'updated')}\n`);
    } catch (error) {
      // With one plugin asked for, its error is the command's; with all, the others still update.
      if (context.args.length === 1) throw error;
      failed += 1;
      results.push({ id: plugin.manifest.id, error: (error as Error).message });
      context.output.stderr(`clipshot: ${plugin.manifest.id}: ${(error as Error).message}\n`);
    }
  }
  if (context.json) print(context, results, '');
  else if (targets.length === 0) context.output.stdout('no plugins installed from a registry\n');
  return failed > 0 ? 1 : 0;
}

async function remove(context: Context): Promise<number> {
  expectArgs(context, 1, 1, 'give one plugin id');
  const found = await context.store.find(context.args[0]!);
  const result = await context.store.remove(found?.manifest.id ?? context.args[0]!);
  recordChange(context, 'plugin-remove', result.id, { versions: result.versions.join(',') });
  print(context, result, `removed ${result.id} (${result.versions.join(', ')})`);
  return 0;
}

async function list(context: Context): Promise<number> {
  expectArgs(context, 0, 0, 'takes no argument');
  const plugins = await context.store.list();
  if (context.json) print(context, plugins, '');
  else if (plugins.length === 0) print(context, plugins, `no plugins installed (in ${context.dir})`);
  else print(context, plugins, table(['ID', 'VERSION', 'SOURCE', 'SIGNED BY', 'PERMISSIONS'], plugins.map(listRow)));
  return 0;
}

function listRow(plugin: InstalledPluginView): string[] {
  const version = plugin.versions.length > 1 ? `${plugin.version} (also ${plugin.versions.filter((version) => version !== plugin.version).join(', ')})` : plugin.version;
  const signature = plugin.signature === 'unsigned' ? 'unsigned' : plugin.signature.keyFingerprint.slice(0, 19);
  const permissions = plugin.status === 'invalid' ? `INVALID: ${plugin.problem}` : plugin.permissions.join(', ') || '-';
  return [plugin.id, version, plugin.source, signature, permissions];
}

async function rollback(context: Context): Promise<number> {
  expectArgs(context, 1, 2, 'give a plugin id and, optionally, the version to go back to');
  const found = await context.store.find(context.args[0]!);
  const result = await context.store.rollback(found?.manifest.id ?? context.args[0]!, context.args[1]);
  recordChange(context, 'plugin-rollback', result.id, { version: result.version, from: result.previousVersion });
  print(context, result, `${result.id} is back at ${result.version} (was ${result.previousVersion})`);
  return 0;
}

async function trust(context: Context): Promise<number> {
  const [what = 'list', argument, ...rest] = context.args;
  const keys = new TrustedKeys(context.dir);
  if (what === 'list') {
    const trusted = await keys.list();
    if (context.json) print(context, trusted, '');
    else print(context, trusted, trusted.length === 0 ? 'no trusted publisher keys (add one: clipshot plugin trust add KEY --name NAME)' : table(['FINGERPRINT', 'NAME'], trusted.map((key) => [key.fingerprint, key.name])));
    return 0;
  }
  if (argument === undefined || rest.length > 0) throw new UsageError('plugin trust: add KEY|FILE --name NAME | list | remove FINGERPRINT');
  if (what === 'add') {
    const name = stringOption(context, 'name');
    if (name === undefined) throw new UsageError('plugin trust add: give --name NAME, the publisher this key belongs to');
    const file = path.resolve(context.request.cwd, argument);
    const text = (await fs.stat(file).then((stat) => stat.isFile(), () => false)) ? await fs.readFile(file, 'utf8') : argument;
    const key = await keys.add(text, name);
    context.audit?.record({ kind: 'key-change', actor: CLI_ACTOR, details: { action: 'trust-publisher', fingerprint: key.fingerprint } });
    print(context, key, `trusting ${key.name}: ${key.fingerprint}`);
    return 0;
  }
  if (what === 'remove') {
    const key = await keys.remove(argument);
    context.audit?.record({ kind: 'key-change', actor: CLI_ACTOR, details: { action: 'distrust-publisher', fingerprint: key.fingerprint } });
    print(context, key, `no longer trusting ${key.name} (${key.fingerprint}); plugins it signed stay installed`);
    return 0;
  }
  throw new UsageError(`plugin trust: unknown action "${what}" (add, list, remove)`);
}

async function publish(context: Context): Promise<number> {
  expectArgs(context, 1, 1, 'give the plugin folder: clipshot plugin publish DIR --registry URL --key FILE');
  const keyFile = stringOption(context, 'key');
  if (keyFile === undefined) throw new UsageError('plugin publish: give --key FILE, the publisher\'s Ed25519 private key (PEM; see: clipshot plugin keygen)');
  const token = process.env[REGISTRY_TOKEN_ENV] ?? process.env.NPM_TOKEN;
  if (!token) throw new UsageError(`plugin publish: set $${REGISTRY_TOKEN_ENV} to the registry's auth token`);
  const registryUrl = stringOption(context, 'registry') ?? (await readRegistrySetting(context.dir));
  const privateKey = parsePrivateKey(await fs.readFile(path.resolve(context.request.cwd, keyFile), 'utf8'));
  const result = await publishPlugin({ folder: path.resolve(context.request.cwd, context.args[0]!), registry: registryUrl, token, privateKey });
  print(context, result, `published ${result.packageName}@${result.version} to ${normaliseRegistryUrl(registryUrl)}, signed by ${result.keyFingerprint}`);
  return 0;
}

async function registry(context: Context): Promise<number> {
  expectArgs(context, 0, 1, 'give a registry URL to use from now on, or nothing to show the one in use');
  const url = context.args[0] !== undefined ? await writeRegistrySetting(context.dir, context.args[0]) : await readRegistrySetting(context.dir);
  print(context, { registry: url }, context.args[0] !== undefined ? `plugins now come from ${url}` : url);
  return 0;
}

async function keygen(context: Context): Promise<number> {
  expectArgs(context, 1, 1, 'give the file to write the new private key to');
  const file = path.resolve(context.request.cwd, context.args[0]!);
  const key = generatePublisherKey();
  try {
    await writeFileAtomic(file, key.privateKeyPem, { mode: 0o600, exclusive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`plugin keygen: ${file} exists; choose another file (a key is never overwritten)`);
    throw error;
  }
  print(context, { file, publicKey: key.publicKey, fingerprint: key.fingerprint }, `wrote a new publisher key to ${file} (keep it secret)\npublic key: ${key.publicKey}\nfingerprint: ${key.fingerprint}\npeople trust it with: clipshot plugin trust add ${key.publicKey} --name "<you>"`);
  return 0;
}
