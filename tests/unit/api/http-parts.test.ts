import { describe, expect, it } from 'vitest';
import { parseRangeHeader } from '../../../main/api/byte-range.js';
import { uploadFileName } from '../../../main/api/upload-store.js';
import { requestHostAllowed } from '../../../main/server/hosts.js';
import { tokenOfRequest, tokensMatch } from '../../../main/server/session-token.js';

describe('parseRangeHeader', () => {
  it('reads single byte ranges, open-ended and suffix ranges', () => {
    expect(parseRangeHeader('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRangeHeader('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRangeHeader('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRangeHeader('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
    expect(parseRangeHeader('bytes=50-5000', 100)).toEqual({ start: 50, end: 99 });
  });

  it('answers 416 for ranges past the end, and ignores what it does not understand', () => {
    expect(parseRangeHeader('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRangeHeader(undefined, 100)).toBeNull();
    expect(parseRangeHeader('bytes=9-3', 100)).toBeNull();
    expect(parseRangeHeader('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRangeHeader('items=0-1', 100)).toBeNull();
    expect(parseRangeHeader('bytes=-', 100)).toBeNull();
  });
});

describe('uploadFileName', () => {
  it('keeps the last path segment without control characters', () => {
    expect(uploadFileName('shot.png')).toBe('shot.png');
    expect(uploadFileName('../../etc/passwd')).toBe('passwd');
    expect(uploadFileName('C:\\Users\\me\\a.jpg')).toBe('a.jpg');
    expect(uploadFileName('a\u0000b\nc.txt')).toBe('abc.txt');
  });

  it('refuses names that are nothing once cleaned', () => {
    for (const name of ['', '..', '.', 'dir/', '\u0001']) expect(() => uploadFileName(name), JSON.stringify(name)).toThrow(/not a usable file name/);
  });
});

describe('session tokens and hosts', () => {
  it('finds the token in a bearer header or the session cookie', () => {
    expect(tokenOfRequest({ authorization: 'Bearer abc_-1' })).toBe('abc_-1');
    expect(tokenOfRequest({ cookie: 'theme=dark; clipshot_session=xyz' })).toBe('xyz');
    expect(tokenOfRequest({ cookie: 'other=1' })).toBeNull();
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abd')).toBe(false);
    expect(tokensMatch('abc', 'abcd')).toBe(false);
    expect(tokensMatch('abc', null)).toBe(false);
  });

  it('accepts only loopback names for a loopback server', () => {
    expect(requestHostAllowed('127.0.0.1:8080', '127.0.0.1', 8080)).toBe(true);
    expect(requestHostAllowed('LOCALHOST:8080', '127.0.0.1', 8080)).toBe(true);
    expect(requestHostAllowed('localhost:8081', '127.0.0.1', 8080)).toBe(false);
    expect(requestHostAllowed('attacker.example:8080', '127.0.0.1', 8080)).toBe(false);
    expect(requestHostAllowed(undefined, '127.0.0.1', 8080)).toBe(false);
    expect(requestHostAllowed('192.168.1.5:80', '192.168.1.5', 80)).toBe(true);
    expect(requestHostAllowed('anything:80', '0.0.0.0', 80)).toBe(true);
  });
});
