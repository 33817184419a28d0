/**
 * Why talking to a registry, or trusting what it sent, failed: as data for the Plugins panel, and
 * as one plain sentence naming the registry, package or key concerned.
 */
export const MARKETPLACE_ERROR_CODES = [
  'invalid-url', // the registry URL is not an http(s) URL
  'unreachable', // no connection (refused, DNS, reset)
  'timeout',
  'not-found', // 404: no such package (or version)
  'unauthorized', // 401/403 on publish
  'http', // any other unexpected status
  'bad-response', // not JSON, or JSON of the wrong shape
  'too-large',
  'no-version', // nothing fits the version asked for, or nothing works with this ClipShot
  'integrity', // the tarball is not the one the registry lists (sha512)
  'unsigned', // no publisher signature
  'unknown-key', // signed by a key that is not trusted
  'bad-signature', // the signature does not verify
  'invalid-key', // a key file or text that is not an Ed25519 key
  'publish', // the registry refused the publish
] as const;
export type MarketplaceErrorCode = (typeof MARKETPLACE_ERROR_CODES)[number];

export class MarketplaceError extends Error {
  constructor(
    readonly code: MarketplaceErrorCode,
    message: string,
    /** For 'http', 'not-found' and 'unauthorized': the status the registry answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'MarketplaceError';
  }
}
