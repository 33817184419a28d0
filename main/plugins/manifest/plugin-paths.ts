import path from 'node:path';

/**
 * Why `value` is not a safe relative path inside a plugin's folder, in plain words; null when it
 * is. Checked on the text alone (posix and Windows forms both), so that a manifest is refused the
 * same way on every system, before any file is looked at.
 */
export function pathProblem(value: string, what: string, example: string): string | null {
  const expected = `expected ${what} as a path relative to the plugin's folder, e.g. ${JSON.stringify(example)}`;
  if (value.trim() === '') return `must not be empty; ${expected}`;
  if (value.includes('\0')) return `must not contain a NUL character; ${expected}`;
  if (value.includes('\\')) return `${JSON.stringify(value)} uses "\\"; ${expected} with "/" between folders`;
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value) || /^[a-zA-Z]:/.test(value)) return `${JSON.stringify(value)} is an absolute path; ${expected}`;
  const normal = path.posix.normalize(value);
  if (normal === '..' || normal.startsWith('../')) return `${JSON.stringify(value)} leads out of the plugin's folder; ${expected}`;
  if (normal === '.' || normal.endsWith('/')) return `${JSON.stringify(value)} names a folder; ${expected}`;
  return null;
}

/** `relative` (already checked by pathProblem) inside `folder`. */
export function resolveInside(folder: string, relative: string): string {
  return path.join(folder, ...path.posix.normalize(relative).split('/'));
}
