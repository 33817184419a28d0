import type { PluginContributions } from '../../../contract/plugins.js';
import type { ManifestProblem } from './manifest-error.js';
import { pluginIdProblem } from './manifest-schema.js';

// Checks that relate one part of the manifest to another: contribution ids under the plugin's id,
// activation events and keybindings that name contributions which exist, dependencies on other
// plugins. They read the raw package.json leniently, so that they still report what they can when
// other fields are malformed (those are reported by the schema).

type Kind = keyof Omit<PluginContributions, 'keybindings'>;
const KINDS: Kind[] = ['commands', 'importers', 'exporters', 'analyzers', 'panels', 'themes'];
/** Which contributions each activation event names. */
const EVENT_KINDS: Record<string, Kind> = { onCommand: 'commands', onImport: 'importers', onExport: 'exporters', onAnalyze: 'analyzers', onPanel: 'panels' };
/** Contributions that run the plugin's code, so need an entry module. */
const CODE_KINDS: Kind[] = ['commands', 'importers', 'exporters', 'analyzers'];
const CONTRIBUTION_NAME = /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*$/i;

export function crossFieldProblems(packageJson: unknown): ManifestProblem[] {
  const root = asRecord(packageJson);
  const clipshot = asRecord(root?.clipshot);
  if (!clipshot) return [];
  const problems: ManifestProblem[] = [];
  const pluginId = typeof clipshot.id === 'string' && pluginIdProblem(clipshot.id) === null ? clipshot.id : null;
  const contributes = asRecord(clipshot.contributes) ?? {};
  const ids = new Map<Kind, Set<string>>();

  for (const kind of KINDS) {
    const seen = new Set<string>();
    ids.set(kind, seen);
    asArray(contributes[kind]).forEach((item, index) => {
      const id = asRecord(item)?.id;
      if (typeof id !== 'string') return;
      const where = `clipshot.contributes.${kind}[${index}].id`;
      if (seen.has(id)) problems.push({ path: where, message: `${JSON.stringify(id)} is used twice among ${kind}; expected each id once` });
      seen.add(id);
      if (pluginId === null) return;
      const name = id.startsWith(`${pluginId}.`) ? id.slice(pluginId.length + 1) : null;
      if (name === null || !CONTRIBUTION_NAME.test(name)) {
        problems.push({ path: where, message: `${JSON.stringify(id)} must start with the plugin's id and a dot; expected "${pluginId}.<name>" (name of letters, digits, "-" or "_")` });
      }
    });
  }

  const main = clipshot.main;
  if (main === undefined) {
    for (const kind of CODE_KINDS) {
      if (asArray(contributes[kind]).length > 0) problems.push({ path: 'clipshot.main', message: `is missing, but the plugin contributes ${kind}, which run its code; expected the entry module, e.g. "dist/index.js"` });
    }
  }

  asArray(clipshot.activationEvents).forEach((event, index) => {
    if (typeof event !== 'string') return;
    const where = `clipshot.activationEvents[${index}]`;
    if (event === 'onStartup') return;
    const colon = event.indexOf(':');
    const kind = colon > 0 ? EVENT_KINDS[event.slice(0, colon)] : undefined;
    if (kind === undefined) {
      problems.push({ path: where, message: `${JSON.stringify(event)} is not an activation event; expected "onStartup" or one of ${Object.keys(EVENT_KINDS).map((name) => `"${name}:<id>"`).join(', ')}` });
      return;
    }
    const target = event.slice(colon + 1);
    if (!ids.get(kind)!.has(target)) {
      const known = [...ids.get(kind)!];
      problems.push({ path: where, message: `${JSON.stringify(event)} names ${kind === 'commands' ? 'a command' : `one of the ${kind}`} the plugin does not contribute; expected one of: ${known.length > 0 ? known.join(', ') : `(no ${kind} in clipshot.contributes)`}` });
    }
  });

  asArray(contributes.keybindings).forEach((binding, index) => {
    const command = asRecord(binding)?.command;
    if (typeof command === 'string' && !ids.get('commands')!.has(command)) {
      problems.push({ path: `clipshot.contributes.keybindings[${index}].command`, message: `${JSON.stringify(command)} is not one of this plugin's commands; expected one of: ${[...ids.get('commands')!].join(', ') || '(no commands in clipshot.contributes)'}` });
    }
  });

  const permissions = asArray(clipshot.permissions).filter((value): value is string => typeof value === 'string');
  permissions.forEach((permission, index) => {
    if (permissions.indexOf(permission) !== index) problems.push({ path: `clipshot.permissions[${index}]`, message: `${JSON.stringify(permission)} is listed twice; expected each permission once` });
  });

  for (const dependency of Object.keys(asRecord(clipshot.dependencies) ?? {})) {
    const where = `clipshot.dependencies[${JSON.stringify(dependency)}]`;
    const problem = pluginIdProblem(dependency);
    if (problem !== null) problems.push({ path: where, message: problem });
    else if (dependency === pluginId) problems.push({ path: where, message: 'a plugin cannot depend on itself; expected the ids of other plugins' });
  }
  return problems;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
