// The OCR benchmark's error rates: order of lines does not count, spaces within a line do.
import { expect, test } from 'vitest';
import { characterErrors, wordErrors } from '../../bench/ocr-metrics.js';

const KNOWN = ['Save changes', 'The quick brown fox'];

test('the same lines in any order and spacing of whitespace runs score no errors', () => {
  expect(characterErrors(KNOWN, ['The  quick brown fox ', 'Save changes'])).toEqual({ errors: 0, total: 31 });
  expect(wordErrors(KNOWN, [...KNOWN].reverse())).toEqual({ errors: 0, total: 6 });
});

test('a lost space is one character error, and words run together are all wrong', () => {
  expect(characterErrors(KNOWN, ['Savechanges', 'The quick brown fox'])).toEqual({ errors: 1, total: 31 });
  // "Savechanges" gets less than half of "Save changes" right: both words deleted, one inserted.
  expect(wordErrors(KNOWN, ['Savechanges', 'The quick brown fox']).errors).toBe(3);
});

test('lines read as one, or one line read as two, still match', () => {
  expect(characterErrors(KNOWN, ['Save changes The quick brown fox']).errors).toBe(0);
  expect(characterErrors(['Save changes now'], ['Save changes', 'now']).errors).toBe(0);
});

test('missing lines count as deleted and extra text as inserted', () => {
  expect(characterErrors(KNOWN, ['Save changes'])).toEqual({ errors: 19, total: 31 });
  expect(characterErrors(KNOWN, [...KNOWN, 'xyz']).errors).toBe(3);
  expect(characterErrors(KNOWN, ['Save chamges', 'The quick brown fax']).errors).toBe(2);
});
