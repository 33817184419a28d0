import { describe, expect, test } from 'vitest';
import { formatBytes, formatRelativeTime } from '../../../renderer/src/clip/detail-format.js';
import { textFileName } from '../../../renderer/src/clip/text-export.js';

describe('words for sizes, times and file names', () => {
  test('sizes in B, KB, MB and GB', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
  });

  test('times relative to now, in the largest unit that fits', () => {
    const now = Date.UTC(2025, 0, 10, 12);
    expect(formatRelativeTime(now - 30_000, now)).toMatch(/30 seconds ago/);
    expect(formatRelativeTime(now - 5 * 60_000, now)).toMatch(/5 minutes ago/);
    expect(formatRelativeTime(now - 3 * 3_600_000, now)).toMatch(/3 hours ago/);
    expect(formatRelativeTime(now - 24 * 3_600_000, now)).toMatch(/yesterday/);
    expect(formatRelativeTime(now - 400 * 24 * 3_600_000, now)).toMatch(/last year/);
  });

  test('a text export is named after the title, without characters file systems refuse', () => {
    expect(textFileName('Meeting notes: 3/4')).toBe('Meeting notes- 3-4.txt');
    expect(textFileName('..\\secret')).toBe('secret.txt');
    expect(textFileName('   ')).toBe('clip.txt');
    expect(textFileName('x'.repeat(300))).toBe(`${'x'.repeat(100)}.txt`);
  });
});
