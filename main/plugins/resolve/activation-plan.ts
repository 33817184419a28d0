import semver from 'semver';
import { worksWith, type PluginCandidate } from './resolve-plugins.js';

export interface ActivationPlan<T extends PluginCandidate> {
  /** The plugins that can run, each after the plugins it needs. */
  order: T[];
  /** The plugins that cannot, each with why in plain words (a missing or wrong dependency, a cycle, ClipShot's version). */
  blocked: { id: string; problem: string }[];
}

/**
 * Which of the installed plugins (their active versions) can be activated, and in what order.
 * Unlike resolvePlugins, nothing is chosen: a plugin whose needs are not met is set aside with the
 * reason, and so is every plugin that needs it, while the others still run.
 */
export function planActivation<T extends PluginCandidate>(active: readonly T[], appVersion: string): ActivationPlan<T> {
  const byId = new Map(active.map((plugin) => [plugin.id, plugin]));
  const problems = new Map<string, string>();

  for (const plugin of active) {
    const label = `${plugin.id}@${plugin.version}`;
    if (!worksWith(plugin, appVersion)) {
      problems.set(plugin.id, `${label} needs ClipShot ${plugin.engines.clipshot}, and this is ${appVersion}`);
      continue;
    }
    for (const [dependency, range] of Object.entries(plugin.dependencies)) {
      const installed = byId.get(dependency);
      if (installed === undefined) problems.set(plugin.id, `${label} needs ${dependency} ${range}, which is not installed`);
      else if (!semver.satisfies(installed.version, range)) problems.set(plugin.id, `${label} needs ${dependency} ${range}, but ${dependency}@${installed.version} is installed`);
      if (problems.has(plugin.id)) break;
    }
  }

  const order: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  /** Returns the problem of `id` or of something it needs, after placing it in the order when there is none. */
  const visit = (id: string, path: string[]): string | null => {
    const plugin = byId.get(id)!;
    if (state.get(id) === 'done') return problems.get(id) ?? null;
    if (state.get(id) === 'visiting') {
      const ring = [...path.slice(path.indexOf(id)), id].join(' → ');
      for (const member of path.slice(path.indexOf(id))) problems.set(member, `plugins need each other in a cycle: ${ring}`);
      return problems.get(id)!;
    }
    state.set(id, 'visiting');
    for (const dependency of Object.keys(plugin.dependencies).sort()) {
      if (!byId.has(dependency) || problems.has(id)) break;
      const problem = visit(dependency, [...path, id]);
      if (problem !== null && !problems.has(id)) problems.set(id, `${id}@${plugin.version} needs ${dependency}, which cannot run: ${problem}`);
    }
    state.set(id, 'done');
    if (!problems.has(id)) order.push(plugin);
    return problems.get(id) ?? null;
  };
  for (const id of [...byId.keys()].sort()) visit(id, []);
  return { order, blocked: [...problems].map(([id, problem]) => ({ id, problem })).sort((a, b) => a.id.localeCompare(b.id)) };
}
