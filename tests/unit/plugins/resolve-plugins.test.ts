import { describe, expect, it } from 'vitest';
import { planActivation } from '../../../main/plugins/resolve/activation-plan.js';
import { PluginResolveError } from '../../../main/plugins/resolve/resolve-errors.js';
import { resolvePlugins, type PluginCandidate } from '../../../main/plugins/resolve/resolve-plugins.js';

const APP = '0.1.0';

/** "a@1.0.0" with its dependencies and, optionally, the ClipShot versions it supports. */
function v(spec: string, dependencies: Record<string, string> = {}, engines = '^0.1.0'): PluginCandidate {
  const [id, version] = spec.split('@') as [string, string];
  return { id, version, dependencies, engines: { clipshot: engines } };
}

function available(...candidates: PluginCandidate[]): Map<string, PluginCandidate[]> {
  const map = new Map<string, PluginCandidate[]>();
  for (const candidate of candidates) map.set(candidate.id, [...(map.get(candidate.id) ?? []), candidate]);
  return map;
}

function failure(run: () => unknown): PluginResolveError {
  try {
    run();
  } catch (error) {
    if (error instanceof PluginResolveError) return error;
    throw error;
  }
  throw new Error('expected the resolution to fail');
}

const chosenVersions = (chosen: Map<string, PluginCandidate>) => Object.fromEntries([...chosen].map(([id, candidate]) => [id, candidate.version]));

describe('resolvePlugins', () => {
  it('resolves a diamond to one version of the shared plugin that satisfies both sides, dependencies first', () => {
    const pool = available(
      v('app.top@1.0.0', { 'app.left': '^1.0.0', 'app.right': '^2.0.0' }),
      v('app.left@1.0.0', { 'app.base': '>=1.2.0' }),
      v('app.right@2.0.0', { 'app.base': '<1.4.0' }),
      v('app.base@1.1.0'),
      v('app.base@1.3.5'),
      v('app.base@1.4.0'),
    );
    const { chosen, order } = resolvePlugins({ requested: { 'app.top': '*' }, available: pool, appVersion: APP });
    expect(chosenVersions(chosen)).toEqual({ 'app.top': '1.0.0', 'app.left': '1.0.0', 'app.right': '2.0.0', 'app.base': '1.3.5' });
    expect(order).toEqual(['app.base', 'app.left', 'app.right', 'app.top']);
  });

  it('backtracks to an older version of a plugin when the newest one conflicts', () => {
    const pool = available(v('app.a@2.0.0', { 'app.b': '^2.0.0' }), v('app.a@1.5.0', { 'app.b': '^1.0.0' }), v('app.c@1.0.0', { 'app.b': '^1.0.0' }), v('app.b@1.2.0'), v('app.b@2.0.0'));
    const { chosen } = resolvePlugins({ requested: { 'app.a': '*', 'app.c': '*' }, available: pool, appVersion: APP });
    expect(chosenVersions(chosen)).toEqual({ 'app.a': '1.5.0', 'app.b': '1.2.0', 'app.c': '1.0.0' });
  });

  it('reports a conflict with the chain of plugins behind each side', () => {
    const pool = available(v('app.x@1.0.0', { 'app.a': '^1.0.0' }), v('app.a@1.0.0', { 'app.b': '^2.0.0' }), v('app.c@1.2.0', { 'app.b': '^1.0.0' }), v('app.b@1.4.0'), v('app.b@2.1.0'));
    const error = failure(() => resolvePlugins({ requested: { 'app.x': '*', 'app.c': '*' }, available: pool, appVersion: APP }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.kind).toBe('conflict');
    expect(error.message).toBe('app.c@1.2.0 needs app.b ^1.0.0, but app.x@1.0.0 → app.a@1.0.0 needs app.b ^2.0.0 (no version of app.b satisfies both; there are 1.4.0, 2.1.0)');
  });

  it('reports a conflict with what the person asked for', () => {
    const pool = available(v('app.a@1.0.0', { 'app.b': '^1.0.0' }), v('app.b@1.0.0'), v('app.b@2.0.0'));
    const error = failure(() => resolvePlugins({ requested: { 'app.a': '*', 'app.b': '2.0.0' }, available: pool, appVersion: APP }));
    expect(error.message).toBe('you asked for app.b 2.0.0, but app.a@1.0.0 needs app.b ^1.0.0 (no version of app.b satisfies both; there are 1.0.0, 2.0.0)');
  });

  it('reports a cycle with the ring of plugins', () => {
    const pool = available(v('app.a@1.0.0', { 'app.b': '^1.0.0' }), v('app.b@1.0.0', { 'app.c': '^1.0.0' }), v('app.c@1.0.0', { 'app.a': '^1.0.0' }));
    const error = failure(() => resolvePlugins({ requested: { 'app.a': '*' }, available: pool, appVersion: APP }));
    expect(error.problems[0]).toMatchObject({ kind: 'cycle', cycle: ['app.a@1.0.0', 'app.b@1.0.0', 'app.c@1.0.0', 'app.a@1.0.0'] });
    expect(error.message).toContain('app.a@1.0.0 → app.b@1.0.0 → app.c@1.0.0 → app.a@1.0.0');
  });

  it('reports a missing plugin with the chain that needs it', () => {
    const pool = available(v('app.a@1.0.0', { 'app.b': '^1.0.0' }), v('app.b@1.0.0', { 'app.gone': '~3.1.0' }));
    const error = failure(() => resolvePlugins({ requested: { 'app.a': '^1.0.0' }, available: pool, appVersion: APP }));
    expect(error.problems[0]).toMatchObject({ kind: 'missing', id: 'app.gone' });
    expect(error.message).toBe('app.a@1.0.0 → app.b@1.0.0 needs app.gone ~3.1.0, but no version of app.gone is installed or in the registry');
  });

  it('reports a range that no available version meets', () => {
    const pool = available(v('app.a@1.0.0', { 'app.b': '^3.0.0' }), v('app.b@1.0.0'), v('app.b@2.0.0'));
    const error = failure(() => resolvePlugins({ requested: { 'app.a': '*' }, available: pool, appVersion: APP }));
    expect(error.message).toBe('app.a@1.0.0 needs app.b ^3.0.0, but the versions of app.b there are 1.0.0, 2.0.0');
  });

  it('falls back to the newest version that works with this ClipShot (engines), also for dependencies', () => {
    const pool = available(
      v('app.a@3.0.0', {}, '>=0.2.0'),
      v('app.a@2.5.0', { 'app.b': '*' }, '^0.1.0'),
      v('app.a@2.0.0', {}, '^0.1.0'),
      v('app.b@2.0.0', {}, '>=0.3.0'),
      v('app.b@1.9.0', {}, '>=0.1.0'),
    );
    const { chosen } = resolvePlugins({ requested: { 'app.a': '*' }, available: pool, appVersion: APP });
    expect(chosenVersions(chosen)).toEqual({ 'app.a': '2.5.0', 'app.b': '1.9.0' });
    // A newer ClipShot gets the newest.
    expect(chosenVersions(resolvePlugins({ requested: { 'app.a': '*' }, available: pool, appVersion: '0.2.0' }).chosen)).toEqual({ 'app.a': '3.0.0' });
  });

  it('says which ClipShot the matching versions need when none works with this one', () => {
    const pool = available(v('app.a@1.0.0', { 'app.b': '^2.0.0' }), v('app.b@2.0.0', {}, '>=0.2.0'), v('app.b@2.1.0', {}, '>=0.3.0'), v('app.b@1.0.0'));
    const error = failure(() => resolvePlugins({ requested: { 'app.a': '*' }, available: pool, appVersion: APP }));
    expect(error.problems[0]!.kind).toBe('incompatible');
    expect(error.message).toBe('app.a@1.0.0 needs app.b ^2.0.0, but no such version of app.b works with ClipShot 0.1.0: 2.0.0 needs ClipShot >=0.2.0, 2.1.0 needs ClipShot >=0.3.0');
  });

  it('keeps the preferred (active) version when it fits rather than the newest', () => {
    const pool = available(v('app.a@1.0.0', { 'app.b': '^1.0.0' }), v('app.b@1.0.0'), v('app.b@1.3.0'));
    const { chosen } = resolvePlugins({ requested: { 'app.a': '*' }, available: pool, appVersion: APP, preferred: { 'app.b': '1.0.0' } });
    expect(chosen.get('app.b')!.version).toBe('1.0.0');
  });
});

describe('planActivation', () => {
  it('orders what can run and sets aside, with reasons, what cannot and what needs it', () => {
    const plan = planActivation(
      [
        v('app.top@1.0.0', { 'app.mid': '^1.0.0' }),
        v('app.mid@1.2.0', { 'app.base': '^1.0.0' }),
        v('app.base@1.0.0'),
        v('app.needy@1.0.0', { 'app.absent': '^1.0.0' }),
        v('app.user@1.0.0', { 'app.needy': '*' }),
        v('app.old@1.0.0', {}, '^0.0.1'),
        v('app.ring1@1.0.0', { 'app.ring2': '*' }),
        v('app.ring2@1.0.0', { 'app.ring1': '*' }),
        v('app.wrong@1.0.0', { 'app.base': '^2.0.0' }),
      ],
      APP,
    );
    expect(plan.order.map((plugin) => plugin.id)).toEqual(['app.base', 'app.mid', 'app.top']);
    const reasons = Object.fromEntries(plan.blocked.map((entry) => [entry.id, entry.problem]));
    expect(reasons).toEqual({
      'app.needy': 'app.needy@1.0.0 needs app.absent ^1.0.0, which is not installed',
      'app.user': 'app.user@1.0.0 needs app.needy, which cannot run: app.needy@1.0.0 needs app.absent ^1.0.0, which is not installed',
      'app.old': 'app.old@1.0.0 needs ClipShot ^0.0.1, and this is 0.1.0',
      'app.ring1': 'plugins need each other in a cycle: app.ring1 → app.ring2 → app.ring1',
      'app.ring2': 'plugins need each other in a cycle: app.ring1 → app.ring2 → app.ring1',
      'app.wrong': 'app.wrong@1.0.0 needs app.base ^2.0.0, but app.base@1.0.0 is installed',
    });
  });
});
