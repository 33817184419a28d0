import { disposePinia } from 'pinia';
// Mounting the library view the way main.ts does, against a real core (tests/helpers/direct-api.ts).
import { mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import type { Component } from 'vue';
import type { ClipShotApi } from '../../../contract/api.js';
import type { ConnectionStatus } from '../../../renderer/src/api/connect.js';
import { API_KEY } from '../../../renderer/src/api/use-api.js';
import { CONNECTION_STATUS_KEY, FILE_IMPORTER_KEY } from '../../../renderer/src/composables/services.js';
import { CLIP_DOCUMENTS_KEY } from '../../../renderer/src/documents/clip-documents.js';
import { SETTINGS_DOCUMENTS_KEY, type SettingsDocuments } from '../../../renderer/src/documents/settings-documents.js';
import type { TestCore } from '../../helpers/direct-api.js';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';

export interface Mounted {
  wrapper: VueWrapper;
  pinia: Pinia;
}

export function mountWithCore(
  component: Component,
  core: TestCore,
  options: { status?: ConnectionStatus; api?: ClipShotApi; props?: Record<string, unknown>; settings?: SettingsDocuments } = {},
): Mounted {
  const pinia = createPinia();
  const provide: Record<symbol, unknown> = {
    [API_KEY]: options.api ?? core.api,
    [CLIP_DOCUMENTS_KEY]: core.documents,
    [SETTINGS_DOCUMENTS_KEY]: options.settings ?? core.settings,
    [FILE_IMPORTER_KEY]: core.files,
  };
  if (options.status) provide[CONNECTION_STATUS_KEY] = options.status;
  const wrapper = mount(component, { props: options.props ?? {}, attachTo: document.body, global: { plugins: [pinia], provide } });
  return { wrapper, pinia };
}

/**
 * happy-dom lays nothing out, so every element measures 0×0: give the grid's scroller the size a
 * window would. Returns a function that takes the sizes away again.
 */
export function giveGridViewport(width: number, height: number): () => void {
  const prototype = HTMLElement.prototype;
  const sized = (element: HTMLElement) => element.classList.contains('virtual-grid');
  const original = {
    clientWidth: Object.getOwnPropertyDescriptor(prototype, 'clientWidth'),
    clientHeight: Object.getOwnPropertyDescriptor(prototype, 'clientHeight'),
  };
  Object.defineProperty(prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return sized(this) ? width : (original.clientWidth?.get?.call(this) ?? 0);
    },
  });
  Object.defineProperty(prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return sized(this) ? height : (original.clientHeight?.get?.call(this) ?? 0);
    },
  });
  return () => {
    for (const [name, descriptor] of Object.entries(original)) {
      if (descriptor) Object.defineProperty(prototype, name, descriptor);
      else delete (prototype as unknown as Record<string, unknown>)[name];
    }
  };
}

/** A keydown as a person's key press reaches the page: on the focused element (or body), bubbling. */
export function press(key: string, options: KeyboardEventInit & { target?: Element } = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...options });
  (options.target ?? document.activeElement ?? document.body).dispatchEvent(event);
  return event;
}

/** The core's API, counting the calls of each method on their way through. */
export function countingApi(api: ClipShotApi): { api: ClipShotApi; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const counted = new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(property, (calls.get(property) ?? 0) + 1);
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { api: counted, calls };
}

/** Unmounts what mountWithCore mounted and disposes its Pinia (null: nothing was mounted). */
export function unmountWithCore(mounted: Mounted | null): void {
  if (!mounted) return;
  mounted.wrapper.unmount();
  disposePinia(mounted.pinia);
}

/** `app` (App.vue) on `core` at a window's size, once its settings are read; `close` unmounts it and closes the core. */
export async function openAppOnCore(app: Component, core: TestCore): Promise<{ mounted: Mounted; close(): Promise<void> }> {
  const restoreViewport = giveGridViewport(800, 600);
  localStorage.clear();
  const mounted = mountWithCore(app, core);
  await useSettingsStore(mounted.pinia).whenOpen();
  return {
    mounted,
    close: async () => {
      unmountWithCore(mounted);
      restoreViewport();
      await core.close();
    },
  };
}
