/** Why recognition could not run: the caller's input, the model files, or a closed engine. */
export type OcrErrorCode = 'invalid-image' | 'model-missing' | 'engine-closed' | 'video-unreadable';

export class OcrError extends Error {
  override readonly name = 'OcrError';

  constructor(
    readonly code: OcrErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
