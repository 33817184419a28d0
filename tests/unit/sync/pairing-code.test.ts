import { describe, expect, it } from 'vitest';
import { formatPairingCode, generatePairingCode, parsePairingCode } from '../../../main/sync/pairing/pairing-code.js';
import { PairingError } from '../../../main/sync/pairing/pairing-error.js';

describe('pairing codes', () => {
  it('generates 8 random digits shown as 1234-5678', () => {
    const codes = Array.from({ length: 200 }, () => generatePairingCode());
    for (const code of codes) expect(code).toMatch(/^[0-9]{4}-[0-9]{4}$/);
    expect(new Set(codes).size).toBeGreaterThan(195);
    // Every position takes several digits: the code is not a pattern.
    for (const position of [0, 1, 2, 3, 5, 6, 7, 8]) expect(new Set(codes.map((code) => code[position])).size).toBeGreaterThan(5);
  });

  it('reads a code typed or pasted with spaces or dashes', () => {
    for (const typed of ['1234-5678', '12345678', ' 1234 5678 ', '1234 - 5678', '1 2 3 4 5 6 7 8', '1234\u20135678', '1234\u00a05678', '0000-0001']) {
      expect(parsePairingCode(typed), typed).toBe(typed === '0000-0001' ? '00000001' : '12345678');
    }
    expect(formatPairingCode('12 34 56 78')).toBe('1234-5678');
  });

  it('refuses anything else with a typed error', () => {
    for (const typed of ['', '1234-567', '123456789', '1234-567a', 'abcd-efgh', '１２３４５６７８', '1234_5678', '+12345678', '1234.5678', '0x123456']) {
      let caught: unknown;
      try {
        parsePairingCode(typed);
      } catch (error) {
        caught = error;
      }
      expect(caught, typed).toBeInstanceOf(PairingError);
      expect((caught as PairingError).code).toBe('invalid-code');
    }
    expect(() => parsePairingCode(12345678 as unknown as string)).toThrow(PairingError);
    expect(() => formatPairingCode('1234')).toThrow(/not a pairing code/);
  });
});
