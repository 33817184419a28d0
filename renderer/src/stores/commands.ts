import { defineStore } from 'pinia';
import { computed, shallowReactive } from 'vue';

export type CommandGroup = 'Library' | 'Clip' | 'Editor' | 'General';

export interface Command {
  id: string;
  title: string;
  group: CommandGroup;
  /** Shortcuts as parseShortcut reads them ("Mod+F", "ArrowDown", "?"); the first is the one shown first. */
  keys: string[];
  /** Whether the command applies now (it is skipped otherwise, and the key does what it would). */
  when?: () => boolean;
  /** Also runs while a text field has focus (only for keys that type nothing, like Ctrl+F). */
  whileTyping?: boolean;
  /** Left out of the shortcuts list: a fallback for a command listed elsewhere. */
  hidden?: boolean;
  run(): void | Promise<unknown>;
}

/** Every command the app offers now: components add theirs and remove them when they go. */
export const useCommandStore = defineStore('commands', () => {
  const registered = shallowReactive(new Set<Command>());

  function register(command: Command): () => void {
    registered.add(command);
    return () => {
      registered.delete(command);
    };
  }

  const commands = computed(() => [...registered]);

  return { commands, register };
});
