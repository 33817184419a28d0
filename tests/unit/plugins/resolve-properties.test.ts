import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { PluginManifestError } from '../../../main/plugins/manifest/manifest-error.js';
import { parsePluginManifest } from '../../../main/plugins/manifest/parse-manifest.js';
import { PluginResolveError } from '../../../main/plugins/resolve/resolve-errors.js';
import { resolvePlugins, type PluginCandidate } from '../../../main/plugins/resolve/resolve-plugins.js';

const IDS = ['p.a', 'p.b', 'p.c', 'p.d', 'p.e'];
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0'];
const RANGES = ['*', '^1.0.0', '^2.0.0', '~1.1.0', '>=1.1.0', '<2.0.0', '1.2.0'];
const ENGINES = ['^0.1.0', '>=0.2.0', '*'];

/** A random pool of plugin versions whose dependencies point at other ids in the pool (or at none). */
const pool = fc
  .array(
    fc.record({
      id: fc.constantFrom(...IDS),
      version: fc.constantFrom(...VERSIONS),
      engines: fc.constantFrom(...ENGINES),
      dependencies: fc.dictionary(fc.constantFrom(...IDS), fc.constantFrom(...RANGES), { maxKeys: 3 }),
    }),
    { maxLength: 14 },
  )
  .map((entries) => {
    const byKey = new Map<string, PluginCandidate>();
    for (const entry of entries) {
      const dependencies = Object.fromEntries(Object.entries(entry.dependencies).filter(([id]) => id !== entry.id));
      byKey.set(`${entry.id}@${entry.version}`, { id: entry.id, version: entry.version, engines: { clipshot: entry.engines }, dependencies });
    }
    const available = new Map<string, PluginCandidate[]>();
    for (const candidate of byKey.values()) available.set(candidate.id, [...(available.get(candidate.id) ?? []), candidate]);
    return available;
  });

describe('resolvePlugins (properties)', () => {
  it('either chooses versions that satisfy every range and engines, dependencies first, or explains why not', () => {
    fc.assert(
      fc.property(pool, fc.dictionary(fc.constantFrom(...IDS), fc.constantFrom(...RANGES), { minKeys: 1, maxKeys: 3 }), (available, requested) => {
        let resolution;
        try {
          resolution = resolvePlugins({ requested, available, appVersion: '0.1.0' });
        } catch (error) {
          expect(error).toBeInstanceOf(PluginResolveError);
          expect((error as PluginResolveError).problems.length).toBeGreaterThan(0);
          expect((error as Error).message.length).toBeGreaterThan(10);
          return;
        }
        const { chosen, order } = resolution;
        for (const [id, range] of Object.entries(requested)) expect(semver.satisfies(chosen.get(id)!.version, range)).toBe(true);
        for (const candidate of chosen.values()) {
          expect(semver.satisfies('0.1.0', candidate.engines.clipshot)).toBe(true);
          for (const [dependency, range] of Object.entries(candidate.dependencies)) {
            expect(chosen.has(dependency)).toBe(true);
            expect(semver.satisfies(chosen.get(dependency)!.version, range)).toBe(true);
            expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(candidate.id));
          }
        }
        expect([...order].sort()).toEqual([...chosen.keys()].sort());
      }),
      { numRuns: 400 },
    );
  });

  it('finds a resolution whenever one exists (checked by trying every combination)', () => {
    fc.assert(
      fc.property(pool, fc.constantFrom(...IDS), (available, root) => {
        const exists = someResolutionExists(available, root);
        let found = true;
        try {
          resolvePlugins({ requested: { [root]: '*' }, available, appVersion: '0.1.0' });
        } catch (error) {
          if (!(error instanceof PluginResolveError)) throw error;
          // A cycle is refused even though versions fit; leave those out of the comparison.
          if (error.problems[0]!.kind === 'cycle') return;
          found = false;
        }
        expect(found).toBe(exists);
      }),
      { numRuns: 300 },
    );
  });
});

/** Brute force: some choice of one compatible version per plugin reachable from `root` meets every range. */
function someResolutionExists(available: Map<string, PluginCandidate[]>, root: string): boolean {
  const ids = [...available.keys()];
  const options = ids.map((id) => [null, ...available.get(id)!.filter((candidate) => semver.satisfies('0.1.0', candidate.engines.clipshot))]);
  const pick = (index: number, chosen: Map<string, PluginCandidate>): boolean => {
    if (index === ids.length) {
      if (!chosen.has(root)) return false;
      for (const candidate of chosen.values()) {
        for (const [dependency, range] of Object.entries(candidate.dependencies)) {
          const selected = chosen.get(dependency);
          if (selected === undefined || !semver.satisfies(selected.version, range)) return false;
        }
      }
      return true;
    }
    for (const option of options[index]!) {
      const next = new Map(chosen);
      if (option !== null) next.set(ids[index]!, option);
      if (pick(index + 1, next)) return true;
    }
    return false;
  };
  return pick(0, new Map());
}

describe('parsePluginManifest (properties)', () => {
  it('answers any JSON with a manifest or a PluginManifestError listing at least one problem, never anything else', () => {
    const base = { name: 'clipshot-plugin-x', version: '1.0.0', engines: { clipshot: '*' }, clipshot: { id: 'a.b', apiVersion: 1, main: 'i.js', contributes: { commands: [{ id: 'a.b.c', title: 'C' }] } } };
    const mutated = fc.tuple(fc.constantFrom('name', 'version', 'engines', 'clipshot', 'clipshot.id', 'clipshot.permissions', 'clipshot.contributes', 'clipshot.activationEvents', 'clipshot.dependencies', 'clipshot.main'), fc.jsonValue()).map(([where, value]) => {
      const copy = structuredClone(base) as unknown as Record<string, Record<string, unknown>>;
      const [first, second] = where.split('.') as [string, string | undefined];
      if (second === undefined) (copy as Record<string, unknown>)[first] = value;
      else copy[first]![second] = value;
      return copy as unknown;
    });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), mutated), (input) => {
        try {
          const manifest = parsePluginManifest(input);
          expect(typeof manifest.id).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(PluginManifestError);
          expect((error as PluginManifestError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
