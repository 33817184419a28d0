// Run by `npm install` (the `prepare` script, after the build): applies DEPENDENCY_PATCHES.
import { packageRoot } from '../server/package-root.js';
import { applyDependencyPatches, DependencyPatchError } from './dependency-patches.js';

try {
  const outcomes = applyDependencyPatches(packageRoot());
  const applied = outcomes.filter((outcome) => outcome.state === 'applied').length;
  if (applied > 0) console.log(`ClipShot: patched ${applied} file(s) of pinned dependencies (main/install/dependency-patches.ts)`);
} catch (error) {
  console.error(`ClipShot: ${error instanceof DependencyPatchError ? error.message : String(error)}`);
  process.exit(1);
}
