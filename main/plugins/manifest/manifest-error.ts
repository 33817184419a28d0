/** One mistake in a plugin's package.json: where it is and what is wrong, in plain words. */
export interface ManifestProblem {
  /** A JSON-ish path into package.json, e.g. `clipshot.contributes.commands[0].id`; '' for the whole file. */
  path: string;
  message: string;
}

/**
 * A package.json that is not a valid ClipShot plugin. The message lists every mistake, one per
 * line, so an author fixes them all in one go instead of one per attempt.
 */
export class PluginManifestError extends Error {
  constructor(
    readonly problems: readonly ManifestProblem[],
    /** What was being read, e.g. a package name or a folder, for the first line. */
    readonly subject = 'package.json',
  ) {
    super(`${subject} is not a valid ClipShot plugin (${problems.length} ${problems.length === 1 ? 'mistake' : 'mistakes'}):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'PluginManifestError';
  }

  /** The same problems, with another subject for the first line. */
  about(subject: string): PluginManifestError {
    return new PluginManifestError(this.problems, subject);
  }
}

function formatProblem(problem: ManifestProblem): string {
  return `  - ${problem.path === '' ? '' : `${problem.path}: `}${problem.message}`;
}
