// The one error type of pairing: a code the CLI, the API and the app can act on, and a sentence for people.

export type PairingErrorCode = 'invalid-code' | 'wrong-code' | 'expired' | 'exhausted' | 'cancelled' | 'protocol' | 'timeout' | 'busy' | 'rate-limited';

export const PAIRING_ERROR_CODES: readonly PairingErrorCode[] = [
  'invalid-code', 'wrong-code', 'expired', 'exhausted', 'cancelled', 'protocol', 'timeout', 'busy', 'rate-limited',
];

const DEFAULT_MESSAGES: Record<PairingErrorCode, string> = {
  'invalid-code': 'a pairing code is 8 digits, e.g. 1234-5678',
  'wrong-code': 'the pairing code did not match',
  expired: 'the pairing code has expired',
  exhausted: 'the pairing code was tried wrongly too often; start a new invitation',
  cancelled: 'pairing was cancelled',
  protocol: 'the other device broke the pairing protocol',
  timeout: 'pairing took too long',
  busy: 'another device is pairing with this code right now; try again in a moment',
  'rate-limited': 'the other device is refusing pairing attempts for a while (too many in a short time); try again in a minute',
};

export class PairingError extends Error {
  readonly code: PairingErrorCode;

  constructor(code: PairingErrorCode, message: string = DEFAULT_MESSAGES[code], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
