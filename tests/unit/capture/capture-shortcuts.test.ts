import { describe, expect, it } from 'vitest';
import { captureShortcutConflicts, capturePlatform, defaultCaptureShortcuts, defaultShortcutTable, effectiveCaptureShortcuts, registrationFailure, shortcutLabel, toAccelerator } from '../../../main/capture/capture-shortcuts.js';

describe('capture shortcuts', () => {
  it('default to Print Screen on Windows and Linux and to Cmd+Shift+3/4 on macOS', () => {
    expect(defaultCaptureShortcuts('win32')['capture-region']).toEqual(['PrintScreen']);
    expect(defaultCaptureShortcuts('linux')['capture-window']).toEqual(['Alt+PrintScreen']);
    expect(defaultCaptureShortcuts('darwin')['capture-screen']).toEqual(['Mod+Shift+3']);
    expect(defaultCaptureShortcuts('darwin')['capture-region']).toEqual(['Mod+Shift+4']);
    expect(capturePlatform('freebsd')).toBe('linux');
  });

  it('takes the person’s keys instead of a default', () => {
    const keys = effectiveCaptureShortcuts('linux', { 'capture-region': ['Ctrl+Alt+R'], 'capture-repeat': [] });
    expect(keys['capture-region']).toEqual(['Ctrl+Alt+R']);
    expect(keys['capture-repeat']).toEqual([]);
    expect(keys['capture-screen']).toEqual(['Shift+PrintScreen']);
  });

  it('writes Electron accelerators and refuses keys it has no name for', () => {
    expect(toAccelerator('Mod+Shift+4')).toBe('CommandOrControl+Shift+4');
    expect(toAccelerator('Alt+PrintScreen')).toBe('Alt+PrintScreen');
    expect(toAccelerator('Ctrl+ArrowUp')).toBe('Control+Up');
    expect(toAccelerator('Ctrl+Alt+r')).toBe('Control+Alt+R');
    expect(toAccelerator('Ctrl+AudioVolumeMute')).toBeNull();
    expect(toAccelerator('Shift+')).toBeNull();
  });

  it('reads as each OS writes shortcuts', () => {
    expect(shortcutLabel('Mod+Shift+4', 'darwin')).toBe('⇧⌘4');
    expect(shortcutLabel('Ctrl+Shift+PrintScreen', 'win32')).toBe('Ctrl+Shift+Print Screen');
  });

  it('has no conflicts among the Windows defaults but says that Print Screen may open the Snipping Tool', () => {
    const conflicts = captureShortcutConflicts(defaultCaptureShortcuts('win32'), 'win32');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ action: 'capture-region', keys: 'PrintScreen' });
    expect(conflicts[0]!.problem).toMatch(/Snipping Tool.*Settings › Accessibility › Keyboard/);
  });

  it('says that macOS keeps Cmd+Shift+3 and 4 for itself while its own screenshots are on', () => {
    const conflicts = captureShortcutConflicts(defaultCaptureShortcuts('darwin'), 'darwin');
    expect(conflicts.map((conflict) => conflict.keys)).toEqual(['Mod+Shift+4', 'Mod+Shift+5', 'Mod+Shift+3']);
    expect(conflicts[0]!.problem).toMatch(/^⇧⌘4 is also macOS’s own .* System Settings › Keyboard › Keyboard Shortcuts › Screenshots/);
  });

  it('names two actions on one key, a bare letter, and keys that cannot be shortcuts', () => {
    const conflicts = captureShortcutConflicts({ 'capture-region': ['Ctrl+Alt+R'], 'capture-window': ['Ctrl+Alt+r'], 'capture-screen': ['S'], 'capture-repeat': ['Shift', 'Control+1'] }, 'linux');
    expect(conflicts.map((conflict) => conflict.problem)).toEqual([
      'Ctrl+Alt+R is given to both “Capture a region” and “Capture a window”; give one of them other keys',
      'S alone would stop that key working in every other app; add Ctrl, Alt or Ctrl',
      'Shift cannot be a shortcut: Shift alone is a modifier: hold it and press another key',
      '"Control+1" is not a shortcut: unknown modifier "control" in "Control+1"',
    ]);
    // Mod is Ctrl off a Mac, so these are one shortcut there, and two on a Mac.
    expect(captureShortcutConflicts({ 'capture-region': ['Mod+1'], 'capture-window': ['Ctrl+1'], 'capture-screen': [], 'capture-repeat': [] }, 'linux')).toHaveLength(1);
    expect(captureShortcutConflicts({ 'capture-region': ['Mod+1'], 'capture-window': ['Ctrl+1'], 'capture-screen': [], 'capture-repeat': [] }, 'darwin')).toHaveLength(0);
  });

  it('explains a refused registration with the other routes', () => {
    expect(registrationFailure('capture-window', 'Alt+PrintScreen', 'linux').problem).toBe(
      'Alt+Print Screen for “Capture a window” is taken by another app (or the desktop); choose other keys in ClipShot’s settings (Capture), or use the tray menu or `clipshot capture window`',
    );
    expect(registrationFailure('clipboard-picker', 'Ctrl+Alt+V', 'linux').problem).toBe(
      'Ctrl+Alt+V for “Open the clipboard history” is taken by another app (or the desktop); choose other keys in ClipShot’s settings (Capture), or use the tray menu',
    );
  });

  it('makes the README’s table from the defaults, the picker’s among them', () => {
    expect(defaultShortcutTable()).toContain('| Capture a region | Print Screen | ⇧⌘4 |');
    expect(defaultShortcutTable()).toContain('| Open the clipboard history | Ctrl+Alt+V | ⌃⌘V |');
  });
});

describe('the README', () => {
  it('shows the default shortcuts as they are', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(defaultShortcutTable());
  });
});
