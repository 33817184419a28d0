import { useCommands } from '../composables/use-commands.js';
import { useUiStore } from '../stores/ui.js';

/** The palette's way to the Models panel and to the AI providers settings. */
export function useModelsCommands(): void {
  const ui = useUiStore();
  useCommands([
    {
      id: 'models.open',
      title: 'Models…',
      group: 'General',
      keys: [],
      when: () => ui.settingsOpen !== 'models',
      run: () => {
        ui.settingsOpen = 'models';
      },
    },
    {
      id: 'ai.providers.open',
      title: 'AI providers…',
      group: 'General',
      keys: [],
      when: () => ui.settingsOpen !== 'ai',
      run: () => {
        ui.settingsOpen = 'ai';
      },
    },
  ]);
}
