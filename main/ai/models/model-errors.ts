/**
 * Why a model operation failed, as data: the CLI prints the message, a Models panel can branch on
 * the code. Every message is one plain sentence naming the model or file concerned.
 */
export const MODEL_ERROR_CODES = [
  'invalid-catalog',
  'unknown-model',
  'consent-required',
  'bundled',
  'not-installed',
  'busy',
  'http',
  'network',
  'timeout',
  'size',
  'checksum',
  'disk-full',
  'aborted',
  'import-source',
  'invalid-mirror',
] as const;
export type ModelErrorCode = (typeof MODEL_ERROR_CODES)[number];

export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    /** For 'http': the status the server answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }

  /** A failure that may pass if the same request is made again (the part already downloaded is kept). */
  get transient(): boolean {
    if (this.code === 'network' || this.code === 'timeout') return true;
    return this.code === 'http' && this.status !== undefined && (this.status >= 500 || this.status === 429 || this.status === 408);
  }
}
