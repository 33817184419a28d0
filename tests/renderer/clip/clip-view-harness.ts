// The clip view's component tests share this: one real core per test file (tests/helpers/direct-api.ts),
// the component mounted on it per test, and whatever a test opened closed after it.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Component } from 'vue';
import type { OpenedClipDocument } from '../../../renderer/src/documents/clip-documents.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { mountWithCore, unmountWithCore, type Mounted } from '../library/mount-library.js';

export interface ClipViewHarness {
  readonly core: TestCore;
  /** What `mount` mounted in this test. */
  readonly mounted: Mounted;
  mount(component: Component, props: Record<string, unknown>): Mounted;
  /** Runs after this test, whether it passed or not. */
  afterTest(cleanup: () => void): void;
  /** The same clip opened by a second window (its own Repo, synced through the core), detail document ready. */
  openInSecondWindow(clipId: string): Promise<OpenedClipDocument>;
}

/** Call at the top of a test file. */
export function useClipViewHarness(): ClipViewHarness {
  let core: TestCore | null = null;
  let mounted: Mounted | null = null;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    core = await createTestCore();
  });
  afterAll(async () => {
    await core?.close();
  });
  afterEach(() => {
    unmountWithCore(mounted);
    mounted = null;
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  const harness: ClipViewHarness = {
    get core() {
      if (!core) throw new Error('the core starts in beforeAll');
      return core;
    },
    get mounted() {
      if (!mounted) throw new Error('nothing is mounted in this test');
      return mounted;
    },
    mount: (component, props) => (mounted = mountWithCore(component, harness.core, { props })),
    afterTest: (cleanup) => {
      cleanups.push(cleanup);
    },
    openInSecondWindow: async (clipId) => {
      const window = harness.core.openWindow();
      const opened = await window.documents.open(clipId);
      cleanups.push(() => {
        opened.close();
        window.close();
      });
      await opened.detail.whenReady();
      return opened;
    },
  };
  return harness;
}
