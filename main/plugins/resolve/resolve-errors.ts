/** Why a set of plugins cannot be resolved, as data (for a panel) and as a sentence (for a person). */
export type ResolveProblem =
  /** Nothing called `id` is available at all. */
  | { kind: 'missing'; id: string; message: string }
  /** Versions of `id` exist, but none satisfies what is asked of it together. */
  | { kind: 'conflict'; id: string; message: string }
  /** Versions of `id` satisfy what is asked, but none of them works with this ClipShot. */
  | { kind: 'incompatible'; id: string; message: string }
  /** Plugins that need each other in a ring; `cycle` starts and ends with the same plugin. */
  | { kind: 'cycle'; id: string; cycle: string[]; message: string };

export class PluginResolveError extends Error {
  constructor(readonly problems: readonly ResolveProblem[]) {
    super(problems.map((problem) => problem.message).join('\n'));
    this.name = 'PluginResolveError';
  }
}
