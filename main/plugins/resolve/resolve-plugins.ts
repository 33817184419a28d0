import semver from 'semver';
import { PluginResolveError, type ResolveProblem } from './resolve-errors.js';

/** What the resolver needs of a plugin version (a PluginManifest is one). */
export interface PluginCandidate {
  id: string;
  version: string;
  engines: { clipshot: string };
  /** Other plugins it needs: plugin id → semver range. */
  dependencies: Record<string, string>;
}

export interface ResolveRequest<T extends PluginCandidate> {
  /** Plugin id → the versions asked for (a semver range; an exact version pins it; "*" any). */
  requested: Record<string, string>;
  /** Every version that may be chosen, by plugin id: the installed ones and those in the registry. */
  available: ReadonlyMap<string, readonly T[]> | Record<string, readonly T[]>;
  /** The running ClipShot's version, checked against each candidate's `engines.clipshot`. */
  appVersion: string;
  /** A version to try first for a plugin when it fits (the active one), so that nothing changes needlessly. */
  preferred?: Record<string, string>;
  /** How to say that nothing called `id` is available, after "but" (default: "no version of <id> is installed or in the registry"). */
  missing?: (id: string) => string;
}

export interface Resolution<T extends PluginCandidate> {
  /** One chosen version per plugin id, the requested ones and everything they need. */
  chosen: Map<string, T>;
  /** Plugin ids in activation order: every plugin after the plugins it needs. */
  order: string[];
}

/** A requirement on a plugin and who made it: the chain of plugins from what was asked for. */
interface Constraint {
  range: string;
  /** e.g. ['x@1.0.0', 'a@1.0.0'] for "x@1.0.0 → a@1.0.0 needs …"; [] when the person asked for it. */
  chain: string[];
}

/** Past this many tries the search stops and reports the first dead end it met. */
const MAX_STEPS = 20_000;

/**
 * Chooses one version per plugin that satisfies every range asked of it (by the person and by
 * the plugins that need it) and works with this ClipShot, preferring the newest (so an older
 * ClipShot gets the newest version that still supports it), and orders them dependencies first.
 * Throws PluginResolveError naming the chain of requirements behind a conflict, a cycle, a
 * missing plugin or an incompatible one.
 */
export function resolvePlugins<T extends PluginCandidate>(request: ResolveRequest<T>): Resolution<T> {
  const available = request.available instanceof Map ? request.available : new Map(Object.entries(request.available));
  const constraints = new Map<string, Constraint[]>();
  const chosen = new Map<string, T>();
  const chains = new Map<string, string[]>();
  let firstFailure: ResolveProblem | null = null;
  let steps = 0;

  const fail = (problem: ResolveProblem) => {
    firstFailure ??= problem;
    return false;
  };

  const candidatesOf = (id: string): T[] => {
    const preferred = request.preferred?.[id];
    return [...(available.get(id) ?? [])].sort((a, b) => Number(b.version === preferred) - Number(a.version === preferred) || semver.rcompare(a.version, b.version));
  };

  const fits = (candidate: T, id: string) => (constraints.get(id) ?? []).every((constraint) => satisfies(candidate.version, constraint.range)) && worksWith(candidate, request.appVersion);

  /** Depth-first over the queue of plugins still to choose, undoing a choice when what follows cannot be met. */
  const solve = (queue: string[]): boolean => {
    if (++steps > MAX_STEPS) return false;
    const id = queue.find((candidateId) => !chosen.has(candidateId));
    if (id === undefined) return true;
    const rest = queue.filter((queued) => queued !== id);
    const candidates = candidatesOf(id).filter((candidate) => fits(candidate, id));
    if (candidates.length === 0) return fail(explain(id, constraints.get(id) ?? [], available.get(id) ?? [], request.appVersion, request.missing));
    for (const candidate of candidates) {
      const label = `${id}@${candidate.version}`;
      const chain = [...(chains.get(id) ?? []), label];
      const added: string[] = [];
      let consistent = true;
      for (const [dependency, range] of Object.entries(candidate.dependencies)) {
        const list = constraints.get(dependency) ?? [];
        constraints.set(dependency, [...list, { range, chain }]);
        added.push(dependency);
        if (!chains.has(dependency)) chains.set(dependency, chain);
        const already = chosen.get(dependency);
        if (already !== undefined && !satisfies(already.version, range)) {
          consistent = fail(explain(dependency, constraints.get(dependency)!, available.get(dependency) ?? [], request.appVersion, request.missing));
          break;
        }
      }
      chosen.set(id, candidate);
      const next = [...rest, ...Object.keys(candidate.dependencies).filter((dependency) => !chosen.has(dependency) && !rest.includes(dependency))];
      if (consistent && solve(next)) return true;
      chosen.delete(id);
      for (const dependency of added) {
        constraints.set(dependency, constraints.get(dependency)!.slice(0, -1));
        if (chains.get(dependency) === chain) chains.delete(dependency);
      }
      if (steps > MAX_STEPS) break;
    }
    return false;
  };

  for (const [id, range] of Object.entries(request.requested)) {
    if (semver.validRange(range) === null) throw new PluginResolveError([{ kind: 'conflict', id, message: `${JSON.stringify(range)} is not a version or semver range of ${id}` }]);
    constraints.set(id, [{ range, chain: [] }]);
    chains.set(id, []);
  }
  if (!solve(Object.keys(request.requested))) {
    throw new PluginResolveError([firstFailure ?? { kind: 'conflict', id: Object.keys(request.requested)[0] ?? '', message: 'the plugins asked for need too many combinations of versions to be tried' }]);
  }
  return { chosen, order: activationOrder(chosen) };
}

/** Dependencies first; plugins that do not depend on each other in id order, so the order is stable. */
function activationOrder<T extends PluginCandidate>(chosen: Map<string, T>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const ring = [...path.slice(path.indexOf(id)), id].map((member) => `${member}@${chosen.get(member)!.version}`);
      throw new PluginResolveError([{ kind: 'cycle', id, cycle: ring, message: `plugins need each other in a cycle: ${ring.join(' → ')}; one of them must stop needing the next` }]);
    }
    state.set(id, 'visiting');
    for (const dependency of Object.keys(chosen.get(id)!.dependencies).sort()) visit(dependency, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of [...chosen.keys()].sort()) visit(id, []);
  return order;
}

/** Why no version of `id` fits: the plain sentence a person reads. */
function explain(id: string, constraints: Constraint[], versions: readonly PluginCandidate[], appVersion: string, missing = (absent: string) => `no version of ${absent} is installed or in the registry`): ResolveProblem {
  const needs = (constraint: Constraint) => (constraint.chain.length === 0 ? `you asked for ${id} ${constraint.range}` : `${constraint.chain.join(' → ')} needs ${id} ${constraint.range}`);
  if (versions.length === 0) {
    const first = constraints[0];
    return { kind: 'missing', id, message: `${first ? needs(first) : `${id} is needed`}, but ${missing(id)}` };
  }
  const listed = versions.map((version) => version.version).sort(semver.compare);
  const alone = (constraint: Constraint) => versions.some((version) => satisfies(version.version, constraint.range));
  // Two requirements that cannot hold together say most; what the person asked for comes first.
  for (let i = 0; i < constraints.length; i++) {
    for (let j = i + 1; j < constraints.length; j++) {
      const [a, b] = [constraints[i]!, constraints[j]!];
      if (!alone(a) || (!alone(b) && a.chain.length > 0)) continue;
      if (!versions.some((version) => satisfies(version.version, a.range) && satisfies(version.version, b.range))) {
        return { kind: 'conflict', id, message: `${needs(a)}, but ${needs(b)} (no version of ${id} satisfies both; there are ${listed.join(', ')})` };
      }
    }
  }
  const unmet = constraints.find((constraint) => !alone(constraint));
  if (unmet !== undefined) return { kind: 'conflict', id, message: `${needs(unmet)}, but the versions of ${id} there are ${listed.join(', ')}` };
  const fitting = versions.filter((version) => constraints.every((constraint) => satisfies(version.version, constraint.range)));
  if (fitting.length > 0 && fitting.every((version) => !worksWith(version, appVersion))) {
    const wants = fitting.map((version) => `${version.version} needs ClipShot ${version.engines.clipshot}`).join(', ');
    const asked = constraints.length > 0 ? `${constraints.map(needs).join(' and ')}, but` : '';
    return { kind: 'incompatible', id, message: `${asked} no such version of ${id} works with ClipShot ${appVersion}: ${wants}`.trim() };
  }
  return { kind: 'conflict', id, message: `${constraints.map(needs).join(', and ')}: no version of ${id} satisfies all of these together (there are ${listed.join(', ')})` };
}

function satisfies(version: string, range: string): boolean {
  return semver.satisfies(version, range);
}

/** Whether a plugin version works with this ClipShot (a pre-release of ClipShot counts as its version). */
export function worksWith(candidate: Pick<PluginCandidate, 'engines'>, appVersion: string): boolean {
  return semver.satisfies(appVersion, candidate.engines.clipshot, { includePrerelease: true });
}
