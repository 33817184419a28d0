import type { z } from 'zod';
import type { ActivationEvent, PluginManifest, PluginPermission } from '../../../contract/plugins.js';
import { PluginManifestError, type ManifestProblem } from './manifest-error.js';
import { crossFieldProblems } from './manifest-rules.js';
import { packageJsonSchema } from './manifest-schema.js';

/**
 * Reads a plugin's package.json (parsed JSON) into its manifest. Where things live:
 * `name`, `version`, `description` and `engines.clipshot` are the usual package.json fields;
 * everything else is in the `clipshot` object (id, displayName, apiVersion, main, permissions,
 * dependencies on other plugins, activationEvents, contributes). Throws PluginManifestError
 * listing every mistake found.
 */
export function parsePluginManifest(packageJson: unknown): PluginManifest {
  const parsed = packageJsonSchema.safeParse(packageJson);
  const problems: ManifestProblem[] = parsed.success ? [] : parsed.error.issues.flatMap(describeIssue);
  problems.push(...crossFieldProblems(packageJson));
  if (!parsed.success || problems.length > 0) throw new PluginManifestError(sortProblems(problems), subjectOf(packageJson));
  const { name, version, description, engines, clipshot } = parsed.data;
  return {
    id: clipshot.id,
    packageName: name,
    version,
    displayName: clipshot.displayName ?? name,
    description: description ?? '',
    engines: { clipshot: engines.clipshot },
    apiVersion: clipshot.apiVersion,
    main: clipshot.main ?? null,
    // The schema has checked every entry's form; the contract's template types cannot say so.
    permissions: clipshot.permissions as PluginPermission[],
    dependencies: clipshot.dependencies,
    activationEvents: clipshot.activationEvents as ActivationEvent[],
    contributes: clipshot.contributes,
  };
}

function describeIssue(issue: z.core.$ZodIssue): ManifestProblem[] {
  const where = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: where, message: `unknown field ${JSON.stringify(key)}; expected only the fields ClipShot reads (check the spelling)` }));
    case 'invalid_type':
      // zod's own words only when no schema gave its own (the schema words every field it can).
      return [{ path: where, message: issue.message.startsWith('Invalid input') ? `must be ${article(issue.expected)}; got ${describeValue(issue.input)}` : issue.message }];
    default:
      return [{ path: where, message: issue.message }];
  }
}

function formatPath(segments: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (!/^[A-Za-z_$][\w$]*$/.test(String(segment))) text += `[${JSON.stringify(String(segment))}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** In the order of the file, so that the list reads top to bottom. */
function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  const order = ['name', 'version', 'description', 'engines', 'clipshot'];
  const rank = (problem: ManifestProblem) => {
    const index = order.findIndex((field) => problem.path === field || problem.path.startsWith(`${field}.`));
    return index === -1 ? -1 : index;
  };
  return problems.map((problem, index) => ({ problem, index })).sort((a, b) => rank(a.problem) - rank(b.problem) || a.index - b.index).map(({ problem }) => problem);
}

function subjectOf(packageJson: unknown): string {
  const record = typeof packageJson === 'object' && packageJson !== null ? (packageJson as Record<string, unknown>) : {};
  const name = typeof record.name === 'string' && record.name.length <= 214 ? record.name : null;
  const version = typeof record.version === 'string' && record.version.length <= 64 ? record.version : null;
  if (name === null) return 'package.json';
  return `the package.json of ${name}${version !== null ? `@${version}` : ''}`;
}
