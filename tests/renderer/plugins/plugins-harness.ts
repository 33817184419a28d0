// The Plugins panel's tests share this: the whole app mounted on a real core per test
// (tests/helpers/direct-api.ts) with the real plugin service over a temp plugins folder, and a
// real Verdaccio (tests/helpers/plugin-marketplace.ts) with the example plugins published: signed
// by a trusted test publisher, except the colour palette (unsigned). Plugins run in real
// processes (the built runtime: `npx tsc -p tsconfig.json` first).
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ApiEvent, ClipShotApi } from '../../../contract/api.js';
import { PLUGIN_REQUEST_METHODS, type PluginRequestMethod } from '../../../contract/plugin-api.js';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { PLUGINS_DIR } from '../../helpers/example-plugins.js';
import { startTestMarketplace, startTestPluginService, type TestMarketplace } from '../../helpers/plugin-marketplace.js';
import { tempDir } from '../../helpers/temp.js';
import { giveGridViewport, mountWithCore, unmountWithCore, type Mounted } from '../library/mount-library.js';
import { byTestId } from '../models/ai-settings-harness.js';

export interface PluginsHarness {
  readonly core: TestCore;
  readonly marketplace: TestMarketplace;
  readonly pluginsDir: string;
  /** The plugin requests the window made, in order. */
  readonly calls: { method: PluginRequestMethod; params: unknown }[];
  /** Every event the window was sent. */
  readonly events: ApiEvent[];
}

/** Call at the top of a test file; `plugins: false` mounts the app on a core without plugins. */
export function usePluginsHarness(options: { plugins?: boolean } = {}): PluginsHarness {
  let state: (Omit<PluginsHarness, 'marketplace'> & { marketplace: TestMarketplace | null }) | null = null;
  let mounted: Mounted | null = null;
  let restoreViewport: () => void = () => undefined;

  beforeEach(async () => {
    const pluginsDir = path.join(await tempDir(), 'plugins');
    const marketplace = options.plugins === false ? null : await startPublished();
    const core = await createTestCore(undefined, marketplace === null ? {} : { plugins: (library) => startTestPluginService(library, pluginsDir, marketplace, { backoffMs: 60_000 }) });
    const calls: PluginsHarness['calls'] = [];
    const events: ApiEvent[] = [];
    core.api.onEvent((event) => events.push(event));
    state = { core, marketplace, pluginsDir, calls, events };
    restoreViewport = giveGridViewport(800, 600);
    localStorage.clear();
    mounted = mountWithCore(App, core, { api: recording(core.api, calls) });
    await useSettingsStore(mounted.pinia).whenOpen();
  });

  afterEach(async () => {
    unmountWithCore(mounted);
    mounted = null;
    restoreViewport();
    await state?.core.close();
    await state?.marketplace?.stop();
    state = null;
  });

  const get = () => {
    if (!state) throw new Error('the harness starts in beforeEach');
    return state;
  };
  // Read at use: each test has its own core, registry and records.
  const harness = {} as PluginsHarness;
  for (const key of ['core', 'pluginsDir', 'calls', 'events'] as const) Object.defineProperty(harness, key, { get: () => get()[key] });
  Object.defineProperty(harness, 'marketplace', {
    get: () => {
      const { marketplace } = get();
      if (!marketplace) throw new Error('this harness runs no plugins, so it has no registry');
      return marketplace;
    },
  });
  return harness;
}

/** A registry with the examples: signed by the trusted test publisher, the colour palette unsigned. */
async function startPublished(): Promise<TestMarketplace> {
  const marketplace = await startTestMarketplace();
  for (const name of ['gallery-exporter', 'theme-solarized', 'word-count']) await marketplace.publishSigned(path.join(PLUGINS_DIR, name));
  await marketplace.publishUnsigned(path.join(PLUGINS_DIR, 'colour-palette'));
  return marketplace;
}

/** The core's own API, noting each plugin request as it goes by (what the window asked, not an answer). */
function recording(api: ClipShotApi, calls: PluginsHarness['calls']): ClipShotApi {
  const noted = Object.fromEntries(
    PLUGIN_REQUEST_METHODS.map((method) => [
      method,
      (params: unknown) => {
        calls.push({ method, params: JSON.parse(JSON.stringify(params ?? {})) as unknown });
        return (api[method] as (params: unknown) => Promise<unknown>)(params);
      },
    ]),
  );
  return { ...api, ...noted } as ClipShotApi;
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
