// Which commands a new shortcut would collide with, and the changes that give it to one command.
import { MAX_KEYS_PER_COMMAND } from '../../../contract/settings-document.js';
import { sameShortcut } from '../lib/shortcuts.js';
import type { CommandGroup, KnownCommand } from '../stores/commands.js';
import type { ShortcutChanges } from './settings-writes.js';

/**
 * Whether commands of two groups can answer keys at the same time: within a group, anything with
 * General (always there), and the clip view with its editor (both live while a clip is open).
 */
export function activeTogether(a: CommandGroup, b: CommandGroup): boolean {
  if (a === b || a === 'General' || b === 'General') return true;
  return (a === 'Editor' && b === 'Clip') || (a === 'Clip' && b === 'Editor');
}

export interface ShortcutConflict {
  command: KnownCommand;
  /** The conflicting key as that command has it (it may be written differently: "Ctrl+F" and "Mod+F"). */
  key: string;
}

/** The other commands that `spec` already runs while `target` can run. Hidden fallbacks follow their command, so they are left out. */
export function findConflicts(target: KnownCommand, spec: string, commands: readonly KnownCommand[], keysOf: (id: string) => readonly string[], isMac: boolean): ShortcutConflict[] {
  const conflicts: ShortcutConflict[] = [];
  for (const command of commands) {
    if (command.id === target.id || command.hidden || !activeTogether(command.group, target.group)) continue;
    const key = keysOf(command.id).find((existing) => sameShortcut(existing, spec, isMac));
    if (key !== undefined) conflicts.push({ command, key });
  }
  return conflicts;
}

/**
 * The settings changes that bind `spec` to `target` (in place of its keys, or added to them), and
 * take it away from every conflicting command.
 */
export function assignShortcut(
  target: KnownCommand,
  spec: string,
  mode: 'replace' | 'add',
  conflicts: readonly ShortcutConflict[],
  keysOf: (id: string) => readonly string[],
  isMac: boolean,
): ShortcutChanges {
  const current = keysOf(target.id).filter((key) => !sameShortcut(key, spec, isMac));
  const keys = mode === 'replace' ? [spec] : [...current, spec].slice(-MAX_KEYS_PER_COMMAND);
  const changes: ShortcutChanges = { [target.id]: keys };
  for (const { command } of conflicts) changes[command.id] = keysOf(command.id).filter((key) => !sameShortcut(key, spec, isMac));
  return changes;
}

/** The changes that remove one key from a command. */
export function removeShortcut(target: KnownCommand, spec: string, keysOf: (id: string) => readonly string[]): ShortcutChanges {
  return { [target.id]: keysOf(target.id).filter((key) => key !== spec) };
}

