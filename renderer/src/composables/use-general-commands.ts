import { useSettingsStore } from '../stores/settings.js';
import { useUiStore } from '../stores/ui.js';
import { BUILT_IN_THEME_OPTIONS } from '../settings/theme-registry.js';
import { useCommands } from './use-commands.js';

export const PALETTE_COMMAND_ID = 'palette.open';
export const SETTINGS_COMMAND_ID = 'settings.open';

/** Commands that work everywhere: the palette, settings, and switching the theme. */
export function useGeneralCommands(): void {
  const ui = useUiStore();
  const settings = useSettingsStore();

  useCommands([
    {
      id: PALETTE_COMMAND_ID,
      title: 'Show all commands',
      group: 'General',
      keys: ['Mod+K'],
      // Ctrl+K types nothing, so it opens the palette from a field too; pressed again, it closes it.
      whileTyping: true,
      run: () => {
        ui.paletteOpen = !ui.paletteOpen;
      },
    },
    {
      id: SETTINGS_COMMAND_ID,
      title: 'Open settings',
      group: 'General',
      keys: ['Mod+,'],
      whileTyping: true,
      when: () => ui.settingsOpen === null,
      run: () => {
        ui.settingsOpen = 'keyboard';
      },
    },
    {
      id: 'settings.keyboard',
      title: 'Change keyboard shortcuts',
      group: 'General',
      keys: [],
      run: () => {
        ui.settingsOpen = 'keyboard';
      },
    },
    {
      id: 'settings.appearance',
      title: 'Change the theme and colours',
      group: 'General',
      keys: [],
      run: () => {
        ui.settingsOpen = 'appearance';
      },
    },
    ...BUILT_IN_THEME_OPTIONS.map((theme) => ({
      id: `theme.${theme.id}`,
      title: `Theme: ${theme.name}`,
      group: 'General' as const,
      keys: [],
      when: () => settings.theme !== theme.id,
      run: () => settings.setTheme(theme.id),
    })),
  ]);
}
