import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import type { InstalledPluginView, PluginManifest, PluginPermission } from '../../../contract/plugins.js';
import { clipshotVersion } from '../manifest/app-version.js';
import { PluginManifestError } from '../manifest/manifest-error.js';
import { pluginIdProblem } from '../manifest/manifest-schema.js';
import { parsePluginManifest } from '../manifest/parse-manifest.js';
import { addedPermissions } from '../manifest/permissions.js';
import { resolveInside } from '../manifest/plugin-paths.js';
import { PluginResolveError } from '../resolve/resolve-errors.js';
import { resolvePlugins } from '../resolve/resolve-plugins.js';
import { copyPluginFolder } from './copy-folder.js';
import { readInstallRecord, writeInstallRecord, type InstallRecord } from './install-record.js';
import { DEFAULT_PACKAGE_LIMITS, megabytes, type PackageLimits } from './package-limits.js';
import { STORE_FILES } from './plugins-dir.js';
import { extractPluginTarball } from './safe-extract.js';
import { PluginStoreError } from './store-errors.js';
import { withStoreLock } from './store-lock.js';

export interface PluginStoreOptions {
  /** The plugins folder: `<id>/<version>/` and `<id>/install.json` per plugin. */
  dir: string;
  /** Checked against `engines.clipshot`; package.json's version by default. */
  appVersion?: string;
  /** Versions kept per plugin, the active one included (older ones are deleted on install). */
  keepVersions?: number;
  limits?: PackageLimits;
}

/** Where a package comes from and how it was verified, as install.json records it. */
export interface InstallOrigin {
  source: 'registry' | 'tarball' | 'folder';
  signature: { keyFingerprint: string } | 'unsigned';
  registry?: string | null;
  integrity?: string | null;
  /** What the registry said this package is: it must hold exactly that. */
  expected?: { packageName: string; version: string };
}

/** What a person is asked before a plugin gets permissions it did not have. */
export interface PermissionRequest {
  id: string;
  packageName: string;
  version: string;
  /** The version installed before (an update), or null (a first install). */
  previousVersion: string | null;
  /** Everything the version asks for. */
  permissions: PluginPermission[];
  /** What it asks for beyond what the person granted before: what they are agreeing to now. */
  newPermissions: PluginPermission[];
}

export interface InstallOptions {
  /** Permissions the person has already agreed to for this install (e.g. shown in the panel before the click). */
  acceptPermissions?: readonly PluginPermission[];
  /** Asked when permissions remain to be agreed to; false refuses. Without it such an install is refused ('consent-required'). */
  confirm?: (request: PermissionRequest) => boolean | Promise<boolean>;
}

export interface InstallResult {
  id: string;
  packageName: string;
  version: string;
  previousVersion: string | null;
  /** The folder holding the active version's files. */
  dir: string;
  permissions: PluginPermission[];
  /** The permissions granted by this install. */
  newPermissions: PluginPermission[];
}

/** An installed plugin's active version: what the host starts. */
export interface InstalledPlugin {
  manifest: PluginManifest;
  /** `<plugins dir>/<id>/<version>`. */
  dir: string;
  record: InstallRecord;
}

/**
 * Installed plugins on disk. Each version has its own folder; install.json says which one is
 * active, so an install or a rollback switches in one atomic write, and a failed one changes
 * nothing. Packages are unpacked or copied and never run: no install scripts, no `npm install`.
 */
export class PluginStore {
  readonly dir: string;
  readonly appVersion: string;
  private readonly keepVersions: number;
  private readonly limits: PackageLimits;

  constructor(options: PluginStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.appVersion = options.appVersion ?? clipshotVersion();
    this.keepVersions = Math.max(1, options.keepVersions ?? 3);
    this.limits = options.limits ?? DEFAULT_PACKAGE_LIMITS;
  }

  /** Installs (or updates to) the npm tarball `bytes`; the registry's integrity and signature checks come before. */
  installTarball(bytes: Uint8Array, origin: InstallOrigin, options: InstallOptions = {}): Promise<InstallResult> {
    return this.install((staging) => extractPluginTarball(bytes, staging, this.limits), origin, options);
  }

  /** Installs a local .tgz file, unsigned (the person allowed that). */
  async installTarballFile(file: string, options: InstallOptions = {}): Promise<InstallResult> {
    const stat = await fs.stat(file).catch(() => null);
    if (stat === null || !stat.isFile()) throw new PluginStoreError('invalid-package', `${file} is not a file`);
    if (stat.size > this.limits.maxTarballBytes) throw new PluginStoreError('too-large', `${file} is ${megabytes(stat.size)}, over the ${megabytes(this.limits.maxTarballBytes)} limit for a plugin`);
    return this.installTarball(await fs.readFile(file), { source: 'tarball', signature: 'unsigned' }, options);
  }

  /** Installs a copy of a plugin's folder, unsigned (the person allowed that). */
  installFolder(folder: string, options: InstallOptions = {}): Promise<InstallResult> {
    return this.install((staging) => copyPluginFolder(folder, staging, this.limits), { source: 'folder', signature: 'unsigned' }, options);
  }

  /** Makes `version` (default: the one active before) the active version again. */
  rollback(id: string, version?: string): Promise<InstallResult> {
    return withStoreLock(this.dir, async () => {
      const record = await this.requireRecord(id);
      const target = version ?? record.previous[0];
      if (target === undefined) throw new PluginStoreError('no-previous', `${id} has no earlier version to roll back to (installed: ${record.active})`);
      if (!(target in record.versions)) throw new PluginStoreError('not-installed', `${id}@${target} is not installed; installed versions: ${sortVersions(Object.keys(record.versions)).join(', ')}`);
      const manifest = await this.readManifest(id, target);
      await this.checkFits(manifest);
      const previousVersion = record.active;
      const next: InstallRecord = { ...record, active: target, previous: target === previousVersion ? record.previous : [previousVersion, ...record.previous.filter((entry) => entry !== target)] };
      await writeInstallRecord(this.pluginFolder(id), next);
      return { id, packageName: manifest.packageName, version: target, previousVersion, dir: this.versionFolder(id, target), permissions: manifest.permissions, newPermissions: [] };
    });
  }

  /** Removes a plugin, every version of it; refused while other installed plugins need it. */
  remove(id: string): Promise<{ id: string; versions: string[] }> {
    return withStoreLock(this.dir, async () => {
      const record = await this.requireRecord(id);
      const dependants = (await this.installed()).filter((plugin) => plugin.manifest.id !== id && id in plugin.manifest.dependencies);
      if (dependants.length > 0) {
        const names = dependants.map((plugin) => `${plugin.manifest.id}@${plugin.manifest.version} (needs ${id} ${plugin.manifest.dependencies[id]})`);
        throw new PluginStoreError('needed', `${id} is needed by ${names.join(', ')}: remove ${dependants.length === 1 ? 'it' : 'them'} first`);
      }
      // Renamed away first, so that a crash midway leaves either the whole plugin or none of it.
      const trash = await this.trashPath(id);
      await fs.rename(this.pluginFolder(id), trash);
      await fs.rm(trash, { recursive: true, force: true });
      return { id, versions: sortVersions(Object.keys(record.versions)) };
    });
  }

  /** Every installed plugin as the CLI and the panel show it (status 'inactive': the host knows what runs). */
  async list(): Promise<InstalledPluginView[]> {
    const views: InstalledPluginView[] = [];
    for (const id of await this.pluginIds()) {
      let record: InstallRecord | null;
      try {
        record = await readInstallRecord(this.pluginFolder(id));
      } catch (error) {
        views.push(brokenView(id, null, (error as Error).message));
        continue;
      }
      if (record === null) continue;
      try {
        views.push(toView(await this.readManifest(id, record.active), record));
      } catch (error) {
        views.push(brokenView(id, record, describe(error)));
      }
    }
    return views;
  }

  /** One installed plugin as list() shows it, or null. */
  async view(id: string): Promise<InstalledPluginView | null> {
    return (await this.list()).find((plugin) => plugin.id === id) ?? null;
  }

  /** The active version of every installed plugin whose files are intact (the host activates these). */
  async installed(): Promise<InstalledPlugin[]> {
    const plugins: InstalledPlugin[] = [];
    for (const id of await this.pluginIds()) {
      const plugin = await this.get(id).catch(() => null);
      if (plugin !== null) plugins.push(plugin);
    }
    return plugins;
  }

  /** One installed plugin's active version, or null when it is not installed. */
  async get(id: string): Promise<InstalledPlugin | null> {
    if (pluginIdProblem(id) !== null) return null;
    const record = await readInstallRecord(this.pluginFolder(id));
    if (record === null) return null;
    return { manifest: await this.readManifest(id, record.active), dir: this.versionFolder(id, record.active), record };
  }

  /** An installed plugin by its id or its package name (what a person is likely to type). */
  async find(idOrPackageName: string): Promise<InstalledPlugin | null> {
    const byId = await this.get(idOrPackageName).catch(() => null);
    if (byId !== null) return byId;
    return (await this.installed()).find((plugin) => plugin.manifest.packageName === idOrPackageName) ?? null;
  }

  versionFolder(id: string, version: string): string {
    return path.join(this.dir, id, version);
  }

  private pluginFolder(id: string): string {
    return path.join(this.dir, id);
  }

  private async install(stage: (staging: string) => Promise<void>, origin: InstallOrigin, options: InstallOptions): Promise<InstallResult> {
    return withStoreLock(this.dir, async () => {
      const staging = path.join(this.dir, STORE_FILES.staging, randomBytes(8).toString('hex'));
      await fs.mkdir(staging, { recursive: true });
      try {
        await stage(staging);
        const manifest = await readPackageManifest(staging);
        if (origin.expected && (origin.expected.packageName !== manifest.packageName || origin.expected.version !== manifest.version)) {
          throw new PluginStoreError('mismatch', `the registry's ${origin.expected.packageName}@${origin.expected.version} holds ${manifest.packageName}@${manifest.version} instead; refused`);
        }
        await checkFilesExist(staging, manifest);
        const record = await readInstallRecord(this.pluginFolder(manifest.id));
        if (record !== null && record.packageName !== manifest.packageName) {
          throw new PluginStoreError('mismatch', `${manifest.packageName} declares the plugin id ${manifest.id}, which the installed ${record.packageName} already has; remove that one first`);
        }
        await this.checkFits(manifest);
        const granted = [...(record?.granted ?? []), ...(options.acceptPermissions ?? [])];
        const newPermissions = addedPermissions(record?.granted ?? [], manifest.permissions);
        const unagreed = addedPermissions(granted, manifest.permissions);
        if (unagreed.length > 0) {
          const request: PermissionRequest = { id: manifest.id, packageName: manifest.packageName, version: manifest.version, previousVersion: record?.active ?? null, permissions: manifest.permissions, newPermissions: unagreed };
          if (!options.confirm) {
            throw new PluginStoreError('consent-required', `${manifest.id}@${manifest.version} asks for ${record ? 'new permissions' : 'permissions'} that need your agreement: ${unagreed.join(', ')}`);
          }
          if (!(await options.confirm(request))) throw new PluginStoreError('declined', `${manifest.id}@${manifest.version} was not installed: its permissions were not agreed to (${unagreed.join(', ')})`);
        }
        await this.moveIntoPlace(staging, manifest);
        const pruned = await this.commit(manifest, record, origin);
        for (const version of pruned) await fs.rm(this.versionFolder(manifest.id, version), { recursive: true, force: true });
        return {
          id: manifest.id,
          packageName: manifest.packageName,
          version: manifest.version,
          previousVersion: record !== null && record.active !== manifest.version ? record.active : null,
          dir: this.versionFolder(manifest.id, manifest.version),
          permissions: manifest.permissions,
          newPermissions,
        };
      } finally {
        await fs.rm(staging, { recursive: true, force: true });
      }
    });
  }

  /** Renames the checked package to `<id>/<version>`, replacing a copy of the same version (a reinstall). */
  private async moveIntoPlace(staging: string, manifest: PluginManifest): Promise<void> {
    const target = this.versionFolder(manifest.id, manifest.version);
    await fs.mkdir(this.pluginFolder(manifest.id), { recursive: true });
    const exists = await fs.stat(target).then(() => true, () => false);
    if (!exists) {
      await fs.rename(staging, target);
      return;
    }
    const trash = await this.trashPath(`${manifest.id}-${manifest.version}`);
    await fs.rename(target, trash);
    await fs.rename(staging, target);
    await fs.rm(trash, { recursive: true, force: true });
  }

  /** Writes the new install.json (the switch itself) and returns the versions it no longer keeps. */
  private async commit(manifest: PluginManifest, record: InstallRecord | null, origin: InstallOrigin): Promise<string[]> {
    const previous = record === null ? [] : [record.active, ...record.previous].filter((version, index, all) => version !== manifest.version && all.indexOf(version) === index);
    const kept = previous.slice(0, this.keepVersions - 1);
    const versions = Object.fromEntries(Object.entries(record?.versions ?? {}).filter(([version]) => kept.includes(version)));
    versions[manifest.version] = {
      installedAt: Date.now(),
      source: origin.source,
      registry: origin.registry ?? null,
      integrity: origin.integrity ?? null,
      signature: origin.signature,
      permissions: manifest.permissions,
    };
    const granted = [...new Set([...(record?.granted ?? []), ...manifest.permissions])];
    await writeInstallRecord(this.pluginFolder(manifest.id), { schema: 1, id: manifest.id, packageName: manifest.packageName, active: manifest.version, previous: kept, granted, versions });
    return previous.slice(this.keepVersions - 1);
  }

  /**
   * Refuses a version that does not work with this ClipShot, whose dependencies are not installed
   * in fitting versions, or that the installed plugins depending on it do not accept.
   */
  private async checkFits(manifest: PluginManifest): Promise<void> {
    const others = (await this.installed()).filter((plugin) => plugin.manifest.id !== manifest.id).map((plugin) => plugin.manifest);
    const dependants = others.filter((plugin) => manifest.id in plugin.dependencies);
    const available = new Map<string, PluginManifest[]>(others.map((plugin) => [plugin.id, [plugin]]));
    available.set(manifest.id, [manifest]);
    try {
      resolvePlugins({
        requested: Object.fromEntries([[manifest.id, manifest.version], ...dependants.map((plugin) => [plugin.id, plugin.version])]),
        available,
        appVersion: this.appVersion,
        missing: notInstalled,
      });
    } catch (error) {
      if (error instanceof PluginResolveError) throw new PluginStoreError('unresolvable', `cannot install ${manifest.id}@${manifest.version}: ${error.message}`);
      throw error;
    }
  }

  private async readManifest(id: string, version: string): Promise<PluginManifest> {
    const manifest = await readPackageManifest(this.versionFolder(id, version));
    if (manifest.id !== id || manifest.version !== version) throw new PluginStoreError('corrupt', `${this.versionFolder(id, version)} holds ${manifest.id}@${manifest.version}; reinstall ${id}`);
    return manifest;
  }

  private async requireRecord(id: string): Promise<InstallRecord> {
    const record = pluginIdProblem(id) === null ? await readInstallRecord(this.pluginFolder(id)) : null;
    if (record === null) throw new PluginStoreError('not-installed', `no plugin ${id} is installed (see: clipshot plugin list)`);
    return record;
  }

  private async pluginIds(): Promise<string[]> {
    const entries = await fs.readdir(this.dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return entries.filter((entry) => entry.isDirectory() && pluginIdProblem(entry.name) === null).map((entry) => entry.name).sort();
  }

  private async trashPath(name: string): Promise<string> {
    const trash = path.join(this.dir, STORE_FILES.trash);
    await fs.mkdir(trash, { recursive: true });
    return path.join(trash, `${name}-${randomBytes(6).toString('hex')}`);
  }
}

/** Dependencies are not fetched on their own: the person installs them first. */
export function notInstalled(id: string): string {
  return `${id} is not installed: install it first`;
}

/** The manifest of the package in `folder` (unpacked, installed, or an author's working copy), every mistake listed. */
export async function readPackageManifest(folder: string): Promise<PluginManifest> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder, 'package.json'), 'utf8');
  } catch {
    throw new PluginStoreError('invalid-package', 'the package has no package.json');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PluginStoreError('invalid-package', `the package's package.json is not valid JSON (${(error as Error).message})`);
  }
  return parsePluginManifest(json);
}

/** The files a manifest names must be in the package, so that a broken one is refused at install, not at first use. */
async function checkFilesExist(folder: string, manifest: PluginManifest): Promise<void> {
  const named = [
    ...(manifest.main !== null ? [{ path: 'clipshot.main', file: manifest.main }] : []),
    ...manifest.contributes.panels.map((panel, index) => ({ path: `clipshot.contributes.panels[${index}].entry`, file: panel.entry })),
    ...manifest.contributes.themes.map((theme, index) => ({ path: `clipshot.contributes.themes[${index}].path`, file: theme.path })),
  ];
  const problems = [];
  for (const entry of named) {
    const stat = await fs.stat(resolveInside(folder, entry.file)).catch(() => null);
    if (stat === null || !stat.isFile()) problems.push({ path: entry.path, message: `${JSON.stringify(entry.file)} is not in the package; expected the file to be included when publishing` });
  }
  if (problems.length > 0) throw new PluginManifestError(problems, `the package ${manifest.packageName}@${manifest.version}`);
}

function toView(manifest: PluginManifest, record: InstallRecord): InstalledPluginView {
  const active = record.versions[record.active]!;
  return {
    id: manifest.id,
    packageName: manifest.packageName,
    displayName: manifest.displayName,
    description: manifest.description,
    version: manifest.version,
    versions: sortVersions(Object.keys(record.versions)),
    permissions: manifest.permissions,
    signature: active.signature,
    source: active.source,
    status: 'inactive',
    problem: null,
    restarts: 0,
    contributes: manifest.contributes,
  };
}

function brokenView(id: string, record: InstallRecord | null, problem: string): InstalledPluginView {
  const active = record?.versions[record.active];
  return {
    id,
    packageName: record?.packageName ?? id,
    displayName: id,
    description: '',
    version: record?.active ?? '',
    versions: record ? sortVersions(Object.keys(record.versions)) : [],
    permissions: active?.permissions ?? [],
    signature: active?.signature ?? 'unsigned',
    source: active?.source ?? 'folder',
    status: 'invalid',
    problem,
    restarts: 0,
    contributes: { commands: [], importers: [], exporters: [], analyzers: [], panels: [], themes: [], keybindings: [] },
  };
}

function sortVersions(versions: string[]): string[] {
  return [...versions].sort(semver.rcompare);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
