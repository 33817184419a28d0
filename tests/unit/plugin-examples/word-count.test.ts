// Word count's pure logic: words, characters and lines as a reader counts them, in any script.
// The command through the real host is tests/integration/plugins/examples-word-count.test.ts.
import { expect, test } from 'vitest';
import { importExampleFile } from '../../helpers/example-plugins.js';

const { textStatistics } = await importExampleFile<{ textStatistics(text: string): { words: number; characters: number; lines: number } }>('word-count', 'statistics.js');

test.each([
  ['', { words: 0, characters: 0, lines: 0 }],
  ['Hello, world!', { words: 2, characters: 13, lines: 1 }],
  ['café naïve\r\nsecond line\n', { words: 4, characters: 23, lines: 3 }],
  ['👍🏽 thumbs — up', { words: 2, characters: 13, lines: 1 }],
  ['今日は良い天気です', { words: 5, characters: 9, lines: 1 }],
  ["don't re-use e-mail", { words: 5, characters: 19, lines: 1 }],
])('textStatistics(%j)', (text, expected) => {
  expect(textStatistics(text)).toEqual(expected);
});
