// Every theme a person can choose: the built-in ones, the library's custom themes, and themes
// that providers add (plugins will, later: each registers a provider and removes it when it goes).
import { defineStore } from 'pinia';
import { computed, shallowReactive } from 'vue';
import type { ThemeChoice, ThemeDefinition } from '../../../contract/themes.js';
import { useSettingsStore } from '../stores/settings.js';

export interface ThemeOption {
  id: ThemeChoice;
  name: string;
  source: 'built-in' | 'custom' | 'plugin';
  /** The tokens over a base; none for the built-in themes, which are theme.css itself. */
  definition: ThemeDefinition | null;
}

/** Adds themes to the list; `themes` is read again whenever what it reads changes. */
export interface ThemeProvider {
  themes(): ThemeOption[];
}

export const BUILT_IN_THEME_OPTIONS: readonly ThemeOption[] = [
  { id: 'system', name: 'System', source: 'built-in', definition: null },
  { id: 'light', name: 'Light', source: 'built-in', definition: null },
  { id: 'dark', name: 'Dark', source: 'built-in', definition: null },
  { id: 'high-contrast', name: 'High contrast', source: 'built-in', definition: null },
];

export const useThemeRegistry = defineStore('themes', () => {
  const settings = useSettingsStore();
  const providers = shallowReactive(new Set<ThemeProvider>());

  const themes = computed<ThemeOption[]>(() => [
    ...BUILT_IN_THEME_OPTIONS,
    ...settings.customThemes.map((theme): ThemeOption => ({ id: theme.id, name: theme.name, source: 'custom', definition: theme })),
    ...[...providers].flatMap((provider) => provider.themes()),
  ]);

  function register(provider: ThemeProvider): () => void {
    providers.add(provider);
    return () => {
      providers.delete(provider);
    };
  }

  /** The chosen theme, or System (and why) when the chosen one is not here: deleted on another device, or its plugin is not installed. */
  const active = computed<{ theme: ThemeOption; problem: string }>(() => {
    const chosen = themes.value.find((theme) => theme.id === settings.theme);
    if (chosen) return { theme: chosen, problem: '' };
    return { theme: BUILT_IN_THEME_OPTIONS[0]!, problem: `The chosen theme (${settings.theme}) is not in this library any more, so the system theme is used.` };
  });

  return { themes, active, register };
});
