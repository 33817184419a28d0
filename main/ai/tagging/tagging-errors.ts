export type TaggingErrorCode = 'missing-file' | 'corrupt-model' | 'incompatible-model' | 'bad-image' | 'bad-vocabulary';

/** Why tagging could not run, in one plain sentence a person can act on. */
export class TaggingError extends Error {
  constructor(
    message: string,
    readonly code: TaggingErrorCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
