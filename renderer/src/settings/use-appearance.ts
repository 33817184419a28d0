import { computed, onScopeDispose, shallowRef, watch } from 'vue';
import { useSettingsStore } from '../stores/settings.js';
import { applyAppearance, readSystemPreferences, resolveAppearance, watchSystemPreferences } from './appearance.js';
import { readAppearanceCopy, writeAppearanceCopy } from './appearance-copy.js';
import { useThemeRegistry } from './theme-registry.js';

/**
 * Keeps the page's colours and motion in step with the settings and the system's preferences,
 * and the local copy (for the next first paint) in step with what is applied. Until the settings
 * document is read, the local copy stays applied, so the window does not flash the defaults.
 */
export function useAppearance(): void {
  const settings = useSettingsStore();
  const registry = useThemeRegistry();
  const system = shallowRef(readSystemPreferences());
  const stopWatching = watchSystemPreferences(() => {
    system.value = readSystemPreferences();
  });
  const copy = readAppearanceCopy();
  const appearance = computed(() => (settings.status === 'ready' ? resolveAppearance(registry.active.theme, settings.accent, settings.reducedMotion) : copy));

  watch(
    [appearance, system],
    ([applied, preferences]) => {
      applyAppearance(applied, preferences);
      if (settings.status === 'ready') writeAppearanceCopy(applied);
    },
    { immediate: true },
  );
  onScopeDispose(stopWatching);
}
