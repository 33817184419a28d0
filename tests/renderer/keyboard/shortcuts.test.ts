// Shortcuts as specs: one normal form, captured from key presses (with the keys that cannot be
// shortcuts refused), compared across platforms, checked for conflicts, and found by the palette's
// fuzzy match.
import { describe, expect, it } from 'vitest';
import { fuzzyMatch, splitByMatch } from '../../../renderer/src/lib/fuzzy-match.js';
import { ariaKeyShortcuts, describeShortcut, matchesShortcut, normaliseShortcut, parseShortcut, sameShortcut, shortcutFromEvent, type KeyPress } from '../../../renderer/src/lib/shortcuts.js';
import { activeTogether, assignShortcut, findConflicts, removeShortcut } from '../../../renderer/src/settings/shortcut-conflicts.js';
import type { CommandGroup, KnownCommand } from '../../../renderer/src/stores/commands.js';

const press = (key: string, modifiers: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...modifiers });

describe('normalising a shortcut', () => {
  it.each([
    ['mod+f', 'Mod+F'],
    ['Shift+Mod+s', 'Mod+Shift+S'],
    ['alt+ctrl+shift+mod+k', 'Mod+Ctrl+Alt+Shift+K'],
    ['Shift+?', '?'],
    ['Shift+/', '/'],
    ['Shift+1', 'Shift+1'],
    ['Shift+ArrowDown', 'Shift+ArrowDown'],
    ['Mod+,', 'Mod+,'],
    ['escape', 'escape'],
    ['Space', 'Space'],
  ])('%s is written %s', (spec, normal) => {
    expect(normaliseShortcut(spec)).toBe(normal);
  });

  it('refuses what is not a shortcut, saying why', () => {
    expect(() => parseShortcut('Mod+')).toThrow('a shortcut needs a key: "Mod+"');
    expect(() => parseShortcut('Super+K')).toThrow('unknown modifier "super" in "Super+K"');
    expect(() => parseShortcut('Mod+Some Key')).toThrow('"Some Key" is not a key name');
  });

  it('compares by platform: Mod+F and Ctrl+F are one shortcut except on macOS', () => {
    expect(sameShortcut('Mod+F', 'Ctrl+f', false)).toBe(true);
    expect(sameShortcut('Mod+F', 'Ctrl+F', true)).toBe(false);
    expect(sameShortcut('Shift+?', '?', true)).toBe(true);
    expect(sameShortcut('Mod+Shift+S', 'Mod+S', false)).toBe(false);
  });
});

describe('capturing a shortcut from a key press', () => {
  it('writes Ctrl (Cmd on macOS) as Mod, so the keys work on every device the settings reach', () => {
    expect(shortcutFromEvent(press('S', { ctrlKey: true, shiftKey: true }), false)).toEqual({ ok: true, spec: 'Mod+Shift+S' });
    expect(shortcutFromEvent(press('s', { metaKey: true }), true)).toEqual({ ok: true, spec: 'Mod+S' });
    expect(shortcutFromEvent(press('s', { ctrlKey: true }), true)).toEqual({ ok: true, spec: 'Ctrl+S' });
    expect(shortcutFromEvent(press('r'), false)).toEqual({ ok: true, spec: 'R' });
    expect(shortcutFromEvent(press('F5'), false)).toEqual({ ok: true, spec: 'F5' });
  });

  it('keeps Shift with a letter or a named key, and leaves it to the symbol it types', () => {
    expect(shortcutFromEvent(press('?', { shiftKey: true }), false)).toEqual({ ok: true, spec: '?' });
    expect(shortcutFromEvent(press('ArrowUp', { shiftKey: true }), false)).toEqual({ ok: true, spec: 'Shift+ArrowUp' });
    expect(shortcutFromEvent(press(' ', { ctrlKey: true }), false)).toEqual({ ok: true, spec: 'Mod+Space' });
    expect(shortcutFromEvent(press('+', { ctrlKey: true }), false)).toEqual({ ok: true, spec: 'Mod+Plus' });
  });

  it('reads the letter, not the symbol, under Alt on a Mac (Alt+S types ß)', () => {
    expect(shortcutFromEvent(press('ß', { altKey: true, code: 'KeyS' }), true)).toEqual({ ok: true, spec: 'Alt+S' });
    expect(matchesShortcut(press('ß', { altKey: true, code: 'KeyS' }), parseShortcut('Alt+S'), true)).toBe(true);
  });

  it.each([
    ['a lone modifier', press('Shift', { shiftKey: true }), false, 'Shift alone is a modifier: hold it and press another key'],
    ['Control alone', press('Control', { ctrlKey: true }), false, 'Control alone is a modifier: hold it and press another key'],
    ['Tab', press('Tab'), false, 'Tab moves between controls, so it cannot be a shortcut'],
    ['Shift+Tab', press('Tab', { shiftKey: true }), false, 'Tab moves between controls, so it cannot be a shortcut'],
    ['a dead key (an accent waiting for its letter)', press('Dead'), false, 'that key does not type a key of its own (an accent or an input method); try another'],
    ['the Windows key outside macOS', press('k', { metaKey: true }), false, 'the Windows (Super) key belongs to the system; use Ctrl or Alt'],
  ])('refuses %s with the reason', (_what, event, isMac, reason) => {
    expect(shortcutFromEvent(event, isMac)).toEqual({ ok: false, reason });
  });
});

describe('showing a shortcut', () => {
  it('names keys for people and for assistive technology', () => {
    expect(describeShortcut('Mod+Shift+S', false)).toEqual(['Ctrl', 'Shift', 'S']);
    expect(describeShortcut('Mod+Shift+S', true)).toEqual(['⌘', 'Shift', 'S']);
    expect(describeShortcut('Mod+Space', false)).toEqual(['Ctrl', 'Space']);
    expect(describeShortcut('Mod+Plus', false)).toEqual(['Ctrl', '+']);
    expect(ariaKeyShortcuts(['Mod+Z'], false)).toBe('Control+Z');
    expect(ariaKeyShortcuts(['Mod+Shift+Z', 'Mod+Y'], true)).toBe('Meta+Shift+Z Meta+Y');
    expect(ariaKeyShortcuts(['Ctrl+Alt+ArrowLeft'], true)).toBe('Control+Alt+ArrowLeft');
    expect(ariaKeyShortcuts([], false)).toBe('');
  });

  it('matches Space and Plus by name', () => {
    expect(matchesShortcut(press(' ', { ctrlKey: true }), parseShortcut('Mod+Space'), false)).toBe(true);
    expect(matchesShortcut(press('+', { ctrlKey: true, shiftKey: true }), parseShortcut('Mod+Plus'), false)).toBe(true);
  });
});

describe('conflicts', () => {
  const command = (id: string, group: CommandGroup, keys: string[], hidden = false): KnownCommand => ({ id, title: id, group, defaultKeys: keys, hidden });
  const commands = [
    command('search', 'Library', ['Mod+F']),
    command('palette', 'General', ['Mod+K']),
    command('clip.undo', 'Clip', ['Mod+Z']),
    command('editor.tool.rect', 'Editor', ['R']),
    command('editor.tool.arrow', 'Editor', ['A']),
    command('library.rename', 'Library', ['R']),
    command('fallback', 'Clip', ['Mod+K'], true),
  ];
  const keysOf = (id: string) => commands.find((candidate) => candidate.id === id)?.defaultKeys ?? [];
  const byId = (id: string) => commands.find((candidate) => candidate.id === id)!;

  it('come from commands that can run at the same time: one group, General with anything, the clip view with its editor', () => {
    expect(activeTogether('Library', 'Library')).toBe(true);
    expect(activeTogether('General', 'Editor')).toBe(true);
    expect(activeTogether('Clip', 'General')).toBe(true);
    expect(activeTogether('Editor', 'Clip')).toBe(true);
    expect(activeTogether('Library', 'Clip')).toBe(false);
    expect(activeTogether('Library', 'Editor')).toBe(false);
  });

  it('are found by key, whatever way the key is written, leaving out hidden fallbacks', () => {
    expect(findConflicts(byId('search'), 'Mod+K', commands, keysOf, false).map((conflict) => conflict.command.id)).toEqual(['palette']);
    expect(findConflicts(byId('search'), 'Ctrl+K', commands, keysOf, false).map((conflict) => conflict.key)).toEqual(['Mod+K']);
    // On macOS Mod is Cmd: Ctrl+K is another key.
    expect(findConflicts(byId('search'), 'Ctrl+K', commands, keysOf, true)).toEqual([]);
    expect(findConflicts(byId('clip.undo'), 'R', commands, keysOf, false).map((conflict) => conflict.command.id)).toEqual(['editor.tool.rect']);
    // The library's R and the editor's R never answer together.
    expect(findConflicts(byId('editor.tool.arrow'), 'R', commands, keysOf, false).map((conflict) => conflict.command.id)).toEqual(['editor.tool.rect']);
    expect(findConflicts(byId('search'), 'Mod+F', commands, keysOf, false)).toEqual([]);
  });

  it('are resolved by reassigning: the key moves, the other command keeps its other keys', () => {
    const conflicts = findConflicts(byId('search'), 'Mod+K', commands, keysOf, false);
    expect(assignShortcut(byId('search'), 'Mod+K', 'replace', conflicts, keysOf, false)).toEqual({ search: ['Mod+K'], palette: [] });
    expect(assignShortcut(byId('search'), 'Mod+Shift+S', 'add', [], keysOf, false)).toEqual({ search: ['Mod+F', 'Mod+Shift+S'] });
    expect(removeShortcut(byId('search'), 'Mod+F', keysOf)).toEqual({ search: [] });
  });
});

describe('the palette’s fuzzy match', () => {
  const titles = ['Show keyboard shortcuts', 'Search', 'Select the next clip', 'Open settings', 'Theme: Dark', 'Move the selected clip to the trash (restore it in the Trash)'];
  const rank = (query: string) =>
    titles
      .map((title) => ({ title, match: fuzzyMatch(query, title) }))
      .filter((entry) => entry.match)
      .sort((a, b) => b.match!.score - a.match!.score)
      .map((entry) => entry.title);

  it('finds the letters in order, anywhere, and ranks word starts first', () => {
    expect(rank('shks')[0]).toBe('Show keyboard shortcuts');
    expect(rank('search')[0]).toBe('Search');
    expect(rank('dark')).toEqual(['Theme: Dark']);
    expect(rank('set')[0]).toBe('Open settings');
    expect(rank('zzz')).toEqual([]);
  });

  it('does not lose a match by jumping to a word start too early', () => {
    expect(fuzzyMatch('abc', 'axbc yb')?.positions).toEqual([0, 2, 3]);
  });

  it('marks the matched letters for showing', () => {
    const match = fuzzyMatch('sks', 'Show keyboard shortcuts')!;
    expect(splitByMatch('Show keyboard shortcuts', match.positions).filter((part) => part.matched).map((part) => part.text)).toEqual(['S', 'k', 's']);
  });
});
