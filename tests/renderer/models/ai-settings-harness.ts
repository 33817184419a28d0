// The Models panel's and the AI providers settings' tests share this: the whole app mounted on a
// real core per test (tests/helpers/direct-api.ts) with a real ModelStore whose catalog holds the
// shipped OCR model and a small test model served by a real HTTP server on loopback
// (tests/unit/ai/model-test-server.ts, the catalog's origin replaced by the mirror), and the real
// library-backed provider registry with an in-memory keychain.
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { nextTick } from 'vue';
import type { SettingsSection } from '../../../renderer/src/stores/ui.js';
import { loadCatalog } from '../../../main/ai/models/catalog.js';
import { ModelStore, type ModelStoreOptions } from '../../../main/ai/models/model-store.js';
import { openLibraryProviderRegistry } from '../../../main/ai/providers/library-provider-registry.js';
import type { ProviderRegistry } from '../../../main/ai/providers/provider-registry.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { tempDir } from '../../helpers/temp.js';
import { catalogOf, startModelServer, testModel, type ModelTestServer, type ServedFile, type TestModelFile } from '../../unit/ai/model-test-server.js';
import { giveGridViewport, mountWithCore, unmountWithCore, type Mounted } from '../library/mount-library.js';

export interface HarnessOptions {
  /** How the server treats each file of the test model (faults, slowness). */
  serve?: (file: TestModelFile, index: number, modelsDir: string) => Partial<ServedFile>;
  store?: Partial<ModelStoreOptions>;
  /** The desktop app's folder chooser. */
  chooseFolder?: (title: string) => Promise<string | null>;
}

export interface AiSettingsHarness {
  readonly core: TestCore;
  readonly store: ModelStore;
  readonly server: ModelTestServer;
  /** What the server sends for each path, changeable between requests. */
  readonly served: Record<string, ServedFile>;
  readonly files: TestModelFile[];
  /** All the test model's files. */
  readonly size: number;
  readonly host: string;
  readonly registry: ProviderRegistry;
  readonly keychain: MemorySecretStore;
  /** How often analysis was told that the models changed. */
  readonly modelsChanged: number;
}

/** Call at the top of a test file. */
export function useAiSettingsHarness(options: HarnessOptions = {}): AiSettingsHarness {
  let state: Omit<AiSettingsHarness, 'modelsChanged'> | null = null;
  let told = 0;
  let mounted: Mounted | null = null;
  let restoreViewport: () => void = () => undefined;

  beforeEach(async () => {
    told = 0;
    const { files, entry } = testModel('test-clip', [900, 200_000, 60_000]);
    const dir = path.join(await tempDir('clipshot-models-ui-'), 'models');
    const served: Record<string, ServedFile> = Object.fromEntries(files.map((file, index) => [file.urlPath, { body: file.body, ...options.serve?.(file, index, dir) }]));
    const server = await startModelServer(served);
    const store = new ModelStore({ dir, catalog: catalogOf(loadCatalog().models.find((model) => model.bundled)!, entry), mirror: server.url, retryDelayMs: 10, ...options.store });
    const keychain = new MemorySecretStore('keyring');
    let registry: ProviderRegistry | null = null;
    const core = await createTestCore(undefined, {
      models: store,
      onModelsChanged: async () => {
        told++;
      },
      providers: (library) => (registry = openLibraryProviderRegistry(library, { keychain })),
      ...(options.chooseFolder && { chooseFolder: options.chooseFolder }),
    });
    state = { core, store, server, served, files, size: files.reduce((sum, file) => sum + file.body.length, 0), host: new URL(server.url).host, registry: registry!, keychain };
    restoreViewport = giveGridViewport(800, 600);
    localStorage.clear();
    mounted = mountWithCore(App, core);
    await useSettingsStore(mounted.pinia).whenOpen();
  });

  afterEach(async () => {
    unmountWithCore(mounted);
    mounted = null;
    restoreViewport();
    await state?.core.close();
    await state?.server.close();
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
    get store() {
      return get().store;
    },
    get server() {
      return get().server;
    },
    get served() {
      return get().served;
    },
    get files() {
      return get().files;
    },
    get size() {
      return get().size;
    },
    get host() {
      return get().host;
    },
    get registry() {
      return get().registry;
    },
    get keychain() {
      return get().keychain;
    },
    get modelsChanged() {
      return told;
    },
  };
}

export const byTestId = <T extends HTMLElement = HTMLElement>(testId: string, within: ParentNode = document) => within.querySelector<T>(`[data-testid="${testId}"]`);
export const allByTestId = <T extends HTMLElement = HTMLElement>(testId: string, within: ParentNode = document) => [...within.querySelectorAll<T>(`[data-testid="${testId}"]`)];
export const text = (testId: string, within: ParentNode = document) => byTestId(testId, within)?.textContent?.trim().replace(/\s+/g, ' ');
/** What has the keyboard, by its test id. */
export const focusedTestId = () => (document.activeElement as HTMLElement | null)?.dataset.testid;

/** Settings at one section, once it shows what it loaded. */
export async function openSettingsAt(section: SettingsSection, loaded: string): Promise<void> {
  byTestId('settings-button')!.click();
  await nextTick();
  byTestId(`settings-tab-${section}`)!.click();
  await expect.poll(() => byTestId(loaded)).not.toBeNull();
}

export function modelRow(id: string): HTMLElement {
  const row = document.querySelector<HTMLElement>(`[data-testid="model-row"][data-model-id="${id}"]`);
  if (!row) throw new Error(`no row for ${id}`);
  return row;
}

export function providerCard(id: string): HTMLElement {
  const card = document.querySelector<HTMLElement>(`[data-testid="provider-card"][data-provider-id="${id}"]`);
  if (!card) throw new Error(`no card for ${id}`);
  return card;
}

export function typeInto(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export const FOCUSABLE = 'button, input, select, textarea, a[href], [tabindex]';

/** The controls Tab reaches inside `within`, in order, by test id. */
export function tabOrder(within: ParentNode): (string | undefined)[] {
  return [...within.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.tabIndex >= 0 && !(element as HTMLButtonElement).disabled).map((element) => element.dataset.testid);
}
