import { describe, expect, it } from 'vitest';
import { decideNavigation, decideWindowOpen, externalUrlToOpen, isAllowedExternalUrl } from '../../../main/app/external-url.js';

describe('isAllowedExternalUrl', () => {
  it.each([
    'https://example.com',
    'https://example.com/path?q=1#part',
    'https://sub.example.co.uk:8443/a%20b',
    'HTTPS://EXAMPLE.COM/',
    'mailto:someone@example.com',
    'mailto:someone@example.com?subject=Hello%20there',
    'MAILTO:someone@example.com',
  ])('lets %s go to the system', (url) => {
    expect(isAllowedExternalUrl(url)).toBe(true);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: in capitals', 'JAVASCRIPT:alert(1)'],
    ['javascript: with a tab inside the scheme', 'java\tscript:alert(1)'],
    ['javascript: after leading spaces', '  javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['file: in capitals', 'FILE:///C:/Windows/System32/calc.exe'],
    ['http:', 'http://example.com'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['blob:', 'blob:https://example.com/1234'],
    ['the app itself', 'clipshot://app/index.html'],
    ['another custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['smb:', 'smb://attacker.example/share'],
    ['a user and password', 'https://user:secret@example.com/'],
    ['a user name only', 'https://bank.example.com@evil.example/'],
    ['an empty password', 'https://user:@example.com/'],
    ['a relative URL', '/relative/path'],
    ['a scheme-relative URL', '//example.com/x'],
    ['garbage', 'not a url'],
    ['an empty string', ''],
    ['a bare scheme', 'https:'],
    ['no host', 'https://'],
    ['an empty mailto:', 'mailto:'],
    ['a newline', 'https://example.com/\nmore'],
    ['a NUL', 'https://example.com/\u0000'],
    ['a zero-width space', 'https://exa\u200bmple.com/'],
    ['a right-to-left override', 'https://example.com/\u202egnp.exe'],
    ['a very long URL', `https://example.com/${'a'.repeat(9000)}`],
  ])('keeps %s inside', (_what, url) => {
    expect(isAllowedExternalUrl(url)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(isAllowedExternalUrl(42 as unknown as string)).toBe(false);
    expect(isAllowedExternalUrl(null as unknown as string)).toBe(false);
  });

  it('hands on the normalised URL, not the raw text', () => {
    expect(externalUrlToOpen('HTTPS://Example.COM')).toBe('https://example.com/');
  });
});

describe('navigation and new windows', () => {
  it('send web and mail links to the system', () => {
    for (const decide of [decideNavigation, decideWindowOpen]) {
      expect(decide('https://example.com/help')).toEqual({ action: 'open-external', url: 'https://example.com/help' });
      expect(decide('mailto:help@example.com')).toEqual({ action: 'open-external', url: 'mailto:help@example.com' });
    }
  });

  it('let the window load the app page again, and nothing else of the app', () => {
    expect(decideNavigation('clipshot://app/index.html')).toEqual({ action: 'allow' });
    expect(decideNavigation('clipshot://app/')).toEqual({ action: 'allow' });
    for (const url of ['clipshot://app/media/0123456789abcdefghijklmnop/original', 'clipshot://app/assets/app.js', 'clipshot://app.evil/index.html']) {
      expect(decideNavigation(url)).toEqual({ action: 'deny' });
    }
  });

  it('never open a window, not even for the app page', () => {
    expect(decideWindowOpen('clipshot://app/index.html')).toEqual({ action: 'deny' });
  });

  it('deny everything else', () => {
    for (const url of ['file:///etc/passwd', 'http://example.com', 'javascript:alert(1)', 'about:blank', 'data:text/html,hi']) {
      expect(decideNavigation(url)).toEqual({ action: 'deny' });
      expect(decideWindowOpen(url)).toEqual({ action: 'deny' });
    }
  });
});
