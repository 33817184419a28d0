// The Devices panel's tests share this: the whole app mounted on a real core per test, the core's
// sync being a FakeSyncControl (tests/helpers/fake-sync-control.ts) that stands in for sync and the
// other devices, with two paired devices to start from.
import { afterEach, beforeEach, expect } from 'vitest';
import { nextTick } from 'vue';
import App from '../../../renderer/src/App.vue';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { FakeSyncControl, fakeDevice } from '../../helpers/fake-sync-control.js';
import { giveGridViewport, mountWithCore, unmountWithCore, type Mounted } from '../library/mount-library.js';

export const MINUTE = 60_000;

export interface DevicesHarness {
  readonly core: TestCore;
  readonly sync: FakeSyncControl;
  readonly mounted: Mounted;
}

/** Call at the top of a test file; `withSync: false` runs the core without sync (as a build without it would). */
export function useDevicesHarness(options: { withSync?: boolean } = {}): DevicesHarness {
  let core: TestCore | null = null;
  let sync: FakeSyncControl | null = null;
  let mounted: Mounted | null = null;
  let restoreViewport: () => void = () => undefined;

  beforeEach(async () => {
    sync = new FakeSyncControl({ name: 'Studio laptop', listening: ['192.168.1.10:47110', '[fe80::1c2d%en0]:47110'] });
    sync.devices.push(
      fakeDevice('Desktop', { online: true, lastSeenAt: Date.now(), address: '192.168.1.20:47110', pendingChanges: 3 }),
      fakeDevice('Home server', { online: false, lastSeenAt: Date.now() - 5 * MINUTE, address: 'nas.local:47110', pendingChanges: 1 }),
    );
    sync.state = 'idle';
    core = await createTestCore(undefined, options.withSync === false ? {} : { sync });
    restoreViewport = giveGridViewport(800, 600);
    localStorage.clear();
    mounted = mountWithCore(App, core);
    await useSettingsStore(mounted.pinia).whenOpen();
  });

  afterEach(async () => {
    unmountWithCore(mounted);
    mounted = null;
    restoreViewport();
    await core?.close();
    core = null;
  });

  return {
    get core() {
      if (!core) throw new Error('the core starts in beforeEach');
      return core;
    },
    get sync() {
      if (!sync) throw new Error('the sync starts in beforeEach');
      return sync;
    },
    get mounted() {
      if (!mounted) throw new Error('the app is mounted in beforeEach');
      return mounted;
    },
  };
}

export const $ = <T extends HTMLElement = HTMLElement>(selector: string, within: ParentNode = document) => within.querySelector<T>(selector);
export const byTestId = <T extends HTMLElement = HTMLElement>(testId: string, within: ParentNode = document) => $<T>(`[data-testid="${testId}"]`, within);
export const text = (testId: string, within: ParentNode = document) => byTestId(testId, within)?.textContent?.trim().replace(/\s+/g, ' ');

/** Settings → Devices, once the panel shows the status. */
export async function openDevicesPanel(): Promise<void> {
  byTestId('settings-button')!.click();
  await nextTick();
  byTestId('settings-tab-devices')!.click();
  await expect.poll(() => byTestId('this-device')).not.toBeNull();
}

/** What has the keyboard, by its test id (polled: the element may not exist yet when the poll starts). */
export const focusedTestId = () => (document.activeElement as HTMLElement | null)?.dataset.testid;

export function rowOf(name: string): HTMLElement | undefined {
  return [...document.querySelectorAll<HTMLElement>('[data-testid="device-row"]')].find((row) => text('device-name', row) === name);
}

export function typeInto(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
