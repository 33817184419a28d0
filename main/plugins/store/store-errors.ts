/**
 * Why a plugin store operation failed, as data: the CLI prints the message, the Plugins panel can
 * branch on the code. Nothing is changed on disk when one is thrown.
 */
export const PLUGIN_STORE_ERROR_CODES = [
  'unsafe-package', // a path leaving the folder, a link, a device file …
  'too-large', // past the size or entry limits
  'invalid-package', // not a gzip tarball, no package.json, an invalid manifest, a file it names is missing
  'mismatch', // the package is not the one the registry said it was
  'unresolvable', // its dependencies, the plugins that depend on it or ClipShot's version do not fit
  'consent-required', // it asks for permissions the person has not granted, and nobody could be asked
  'declined', // the person said no
  'not-installed',
  'no-previous', // nothing to roll back to
  'needed', // other installed plugins need it
  'corrupt', // an install.json that cannot be read
] as const;
export type PluginStoreErrorCode = (typeof PLUGIN_STORE_ERROR_CODES)[number];

export class PluginStoreError extends Error {
  constructor(
    readonly code: PluginStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PluginStoreError';
  }
}
