// The Plugins panel's tests share this: the whole app mounted on a real core per test
// (tests/helpers/direct-api.ts), its plugin methods answered by tests/helpers/plugin-panel-backend.ts
// over the real library, with the example plugins published to it.
import { afterEach, beforeEach } from 'vitest';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { exampleVersion, PluginPanelBackend } from '../../helpers/plugin-panel-backend.js';
import { giveGridViewport, mountWithCore, unmountWithCore, type Mounted } from '../library/mount-library.js';
import { byTestId } from '../models/ai-settings-harness.js';

export interface PluginsHarness {
  readonly core: TestCore;
  readonly backend: PluginPanelBackend;
}

/** Call at the top of a test file; `plugins: false` mounts the app on the core alone (no plugin host). */
export function usePluginsHarness(options: { plugins?: boolean } = {}): PluginsHarness {
  let state: PluginsHarness | null = null;
  let mounted: Mounted | null = null;
  let restoreViewport: () => void = () => undefined;

  beforeEach(async () => {
    const core = await createTestCore();
    const backend = new PluginPanelBackend(core.library);
    backend.publish(exampleVersion('colour-palette', { signed: false }), exampleVersion('gallery-exporter'), exampleVersion('theme-solarized'), exampleVersion('word-count'));
    state = { core, backend };
    restoreViewport = giveGridViewport(800, 600);
    localStorage.clear();
    mounted = mountWithCore(App, core, options.plugins === false ? {} : { api: backend.api(core.api) });
    await useSettingsStore(mounted.pinia).whenOpen();
  });

  afterEach(async () => {
    unmountWithCore(mounted);
    mounted = null;
    restoreViewport();
    await state?.core.close();
    state = null;
  });

  const get = () => {
    if (!state) throw new Error('the harness starts in beforeEach');
    return state;
  };
  return {
    get core() {
      return get().core;
    },
    get backend() {
      return get().backend;
    },
  };
}

export function pluginRow(id: string): HTMLElement {
  const row = document.querySelector<HTMLElement>(`[data-testid="plugin-row"][data-plugin-id="${id}"]`);
  if (!row) throw new Error(`no installed plugin ${id} is shown`);
  return row;
}

export function pluginHit(packageName: string): HTMLElement {
  const hit = document.querySelector<HTMLElement>(`[data-testid="plugin-hit"][data-package="${packageName}"]`);
  if (!hit) throw new Error(`no search hit for ${packageName}`);
  return hit;
}

export function permissionsIn(testId: string, within: ParentNode = document): string[] {
  return [...(byTestId(testId, within)?.querySelectorAll<HTMLElement>('li') ?? [])].map((item) => item.dataset.permission ?? '');
}
