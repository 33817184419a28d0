// The word count plugin's panel page (plugins/word-count/panel): it shows the statistics the app
// posts to it, as text only, and listens to nothing but its own frame's parent.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, expect, test } from 'vitest';
import { PLUGIN_PANEL_DATA_MESSAGE } from '../../../contract/plugins.js';

const folder = path.resolve(import.meta.dirname, '../../../plugins/word-count/panel');
const statistics = {
  clips: 2,
  words: 12345,
  characters: 67890,
  lines: 40,
  averageWords: 6172.5,
  readingMinutes: 54,
  longest: { id: 'x', title: '<b>Notes</b>', words: 12000 },
  topWords: [
    { word: '<img src=x onerror=alert(1)>', count: 3 },
    { word: 'plugin', count: 2 },
  ],
  complete: false,
  run: 1,
};

const { renderStatistics } = (await import(pathToFileURL(path.join(folder, 'panel.js')).href)) as { renderStatistics(root: HTMLElement, statistics: unknown): void };
const root = () => document.getElementById('statistics')!;
const post = (data: unknown, source: MessageEventSource | null = window) => window.dispatchEvent(new MessageEvent('message', { data, source }));
const shown = () => root().textContent?.replace(/\s+/g, ' ').trim();

beforeEach(() => {
  const html = fs.readFileSync(path.join(folder, 'index.html'), 'utf8');
  document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)![1]!;
});

test('waits for the statistics, then shows them as text', () => {
  expect(shown()).toBe('Run “Text statistics” to count the words of your text clips.');
  post({ type: PLUGIN_PANEL_DATA_MESSAGE, panelId: 'clipshot.word-count.panel', data: statistics });
  expect(root().querySelector('h1')?.textContent).toBe('2 text clips');
  expect([...root().querySelectorAll('dt')].map((term) => `${term.textContent}: ${term.nextElementSibling?.textContent}`)).toEqual([
    'Words: 12,345',
    'Characters: 67,890',
    'Lines: 40',
    'Words per clip: 6,172.5',
    'Reading time: about 54 min',
    'Longest: <b>Notes</b> (12,000 words)',
  ]);
  expect([...root().querySelectorAll('li')].map((item) => item.textContent)).toEqual(['<img src=x onerror=alert(1)> (3)', 'plugin (2)']);
  expect(root().querySelectorAll('img, b')).toHaveLength(0);
  expect(shown()).toContain('Only the first 20,000 clips were counted.');
});

test('ignores messages from elsewhere, of another kind, or for another panel', () => {
  const other = new MessageChannel().port1;
  post({ type: PLUGIN_PANEL_DATA_MESSAGE, panelId: 'clipshot.word-count.panel', data: statistics }, other);
  post({ type: 'something-else', panelId: 'clipshot.word-count.panel', data: statistics });
  post({ type: PLUGIN_PANEL_DATA_MESSAGE, panelId: 'acme.other.panel', data: statistics });
  expect(shown()).toBe('Run “Text statistics” to count the words of your text clips.');
});

test('says so when the statistics cannot be read', () => {
  renderStatistics(root(), { clips: 'many' });
  expect(root().querySelector('[role="alert"]')?.textContent).toBe('These statistics could not be read.');
});
