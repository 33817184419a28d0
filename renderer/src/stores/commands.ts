import { defineStore } from 'pinia';
import { computed, shallowReactive } from 'vue';
import { useSettingsStore } from './settings.js';

export type CommandGroup = 'Library' | 'Clip' | 'Editor' | 'General';
/** In the order lists show them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = ['Library', 'Clip', 'Editor', 'General'];

export interface Command {
  id: string;
  title: string;
  group: CommandGroup;
  /** Default shortcuts as parseShortcut reads them ("Mod+F", "ArrowDown", "?"); the first is the one shown first. A person's settings may replace them. */
  keys: string[];
  /** Whether the command applies now (it is skipped otherwise, and the key does what it would). */
  when?: () => boolean;
  /** Also runs while a text field has focus (only for keys that type nothing, like Ctrl+F). */
  whileTyping?: boolean;
  /** Left out of the shortcuts list and the palette: a fallback for a command listed elsewhere. */
  hidden?: boolean;
  run(): void | Promise<unknown>;
}

/** What a window knows of a command, registered now or earlier: enough to list and remap it. */
export interface KnownCommand {
  id: string;
  title: string;
  group: CommandGroup;
  defaultKeys: readonly string[];
  hidden: boolean;
}

/** Every command the app offers now: components add theirs and remove them when they go. */
export const useCommandStore = defineStore('commands', () => {
  const settings = useSettingsStore();
  const registered = shallowReactive(new Set<Command>());
  // Commands of views not open now (the editor's tools while the library shows) can still be remapped.
  const known = shallowReactive(new Map<string, KnownCommand>());

  function register(command: Command): () => void {
    registered.add(command);
    known.set(command.id, { id: command.id, title: command.title, group: command.group, defaultKeys: [...command.keys], hidden: command.hidden === true });
    return () => {
      registered.delete(command);
    };
  }

  const commands = computed(() => [...registered]);
  const knownCommands = computed(() => [...known.values()]);

  /** The keys that run a command: the person's own for it, else the command's defaults. */
  function keysOf(command: Pick<Command, 'id' | 'keys'>): readonly string[] {
    return settings.shortcuts[command.id] ?? command.keys;
  }

  /** The effective keys of a command by id (of one registered now or earlier; [] when unknown). */
  function keysOfId(id: string): readonly string[] {
    return settings.shortcuts[id] ?? known.get(id)?.defaultKeys ?? [];
  }

  function isRemapped(id: string): boolean {
    return settings.shortcuts[id] !== undefined;
  }

  /** Whether the command is registered and applies now (what the palette offers). */
  function isAvailable(command: Command): boolean {
    return registered.has(command) && (command.when?.() ?? true);
  }

  return { commands, knownCommands, register, keysOf, keysOfId, isRemapped, isAvailable };
});
