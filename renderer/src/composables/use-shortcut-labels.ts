import { ariaKeyShortcuts, describeShortcut, isMacPlatform } from '../lib/shortcuts.js';
import { useCommandStore } from '../stores/commands.js';

/**
 * A command's keys as a control announces and shows them (aria-keyshortcuts, a tooltip's
 * "(Ctrl+K)"): the keys the person set, else the command's own. Reactive when read in a template.
 */
export function useShortcutLabels(): { aria(commandId: string): string | undefined; hint(commandId: string): string } {
  const commands = useCommandStore();
  const isMac = isMacPlatform();
  return {
    aria: (commandId) => ariaKeyShortcuts(commands.keysOfId(commandId), isMac) || undefined,
    hint: (commandId) => {
      const first = commands.keysOfId(commandId)[0];
      return first ? ` (${describeShortcut(first, isMac).join('+')})` : '';
    },
  };
}
