// Pairing codes: 8 random decimal digits, shown as 1234-5678. Short enough to read out and type, and
// safe at that length only because pairing is a PAKE with few attempts: a guess costs a live try
// (1 in 10^8 each, at most 3 per code), never an offline computation.
import { randomInt } from 'node:crypto';
import { PairingError } from './pairing-error.js';

export const PAIRING_CODE_DIGITS = 8;

/** A fresh code from the CSPRNG, formatted for display. */
export function generatePairingCode(): string {
  return formatPairingCode(String(randomInt(0, 10 ** PAIRING_CODE_DIGITS)).padStart(PAIRING_CODE_DIGITS, '0'));
}

/** 12345678 → 1234-5678 (accepts any form parsePairingCode accepts). */
export function formatPairingCode(code: string): string {
  const digits = parsePairingCode(code);
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}

// What people put between the digits: spaces (also non-breaking, from copy and paste) and dashes
// (ASCII and the typographic ones a phone or a word processor substitutes).
const SEPARATORS = /[\s\u2010-\u2015\u2212-]/gu;

/**
 * The canonical 8 digits of a code as a person typed or pasted it. Anything but digits, spaces and
 * dashes, or a wrong number of digits, is a PairingError 'invalid-code' (never silently "fixed").
 */
export function parsePairingCode(text: string): string {
  if (typeof text !== 'string') throw new PairingError('invalid-code');
  const digits = text.replace(SEPARATORS, '');
  if (!/^[0-9]+$/.test(digits) || digits.length !== PAIRING_CODE_DIGITS) {
    throw new PairingError('invalid-code', `"${text.length > 40 ? `${text.slice(0, 40)}…` : text}" is not a pairing code: it is 8 digits, e.g. 1234-5678`);
  }
  return digits;
}
