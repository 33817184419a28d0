import { useCommands } from '../composables/use-commands.js';
import { useUiStore } from '../stores/ui.js';

/** The palette's way to the Plugins panel. */
export function usePluginsCommands(): void {
  const ui = useUiStore();
  useCommands([
    {
      id: 'plugins.open',
      title: 'Plugins…',
      group: 'General',
      keys: [],
      when: () => ui.settingsOpen !== 'plugins',
      run: () => {
        ui.settingsOpen = 'plugins';
      },
    },
  ]);
}
