// The analysis UI's tests share this: a real core per test (tests/helpers/direct-api.ts) with the
// real AnalysisService, paused and without models (tests/helpers/test-analysis.ts), so a test
// decides what each clip's analysis found; the clip view or the whole app mounted on it with the
// app's one shortcut listener.
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { defineComponent, h, type Component } from 'vue';
import type { AnalysisService } from '../../../main/ai/analysis/analysis-service.js';
import { importFiles } from '../../../main/library/importer.js';
import ClipDetail from '../../../renderer/src/clip/ClipDetail.vue';
import { useShortcutListener } from '../../../renderer/src/composables/use-commands.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { writePng } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';
import { startTestAnalysis } from '../../helpers/test-analysis.js';
import { mountWithCore, unmountWithCore, type Mounted } from '../library/mount-library.js';

export interface AnalysisHarness {
  readonly core: TestCore;
  /** The running analysis (null with `withAnalysis: false`). */
  readonly analysis: AnalysisService | null;
  mount(component: Component, props?: Record<string, unknown>): Mounted;
  /** The clip view of one clip, as the app shows it (its keys through the app's shortcut listener). */
  openClip(clipId: string): Promise<Mounted>;
  afterTest(cleanup: () => void): void;
}

/** The clip view with the app's shortcut listener, as App.vue has it. */
const ClipWithShortcuts = defineComponent({
  props: { clipId: { type: String, required: true } },
  setup(props) {
    useShortcutListener();
    return () => h(ClipDetail, { clipId: props.clipId });
  },
});

/** Call at the top of a test file. */
export function useAnalysisHarness(options: { withAnalysis?: boolean } = {}): AnalysisHarness {
  let core: TestCore | null = null;
  let analysis: AnalysisService | null = null;
  let mounted: Mounted | null = null;
  const cleanups: (() => void)[] = [];

  // A core per test: the test library's folder (tests/helpers/temp.ts) goes after each test, blobs and all.
  beforeEach(async () => {
    analysis = null;
    core = await createTestCore(undefined, options.withAnalysis === false ? {} : { analysis: async (library) => (analysis = await startTestAnalysis(library)) });
    localStorage.clear();
  });

  afterEach(async () => {
    unmountWithCore(mounted);
    mounted = null;
    for (const cleanup of cleanups.splice(0)) cleanup();
    await core?.close();
    core = null;
  });

  const harness: AnalysisHarness = {
    get core() {
      if (!core) throw new Error('the core starts in beforeEach');
      return core;
    },
    get analysis() {
      return analysis;
    },
    mount: (component, props = {}) => (mounted = mountWithCore(component, harness.core, { props })),
    openClip: async (clipId) => {
      const opened = harness.mount(ClipWithShortcuts, { clipId });
      await expect.poll(() => document.querySelector('[data-testid="clip-detail"] .panel')).not.toBeNull();
      return opened;
    },
    afterTest: (cleanup) => {
      cleanups.push(cleanup);
    },
  };
  return harness;
}

let seed = 40;

/** A fresh image clip of the given size; its id. */
export async function importImage(core: TestCore, size = { width: 400, height: 300 }): Promise<string> {
  seed++;
  const file = await writePng(await tempDir(), `screen-${seed}.png`, seed, size);
  const report = await importFiles(core.library, [file]);
  const id = report.imported[0]?.id;
  if (!id) throw new Error(`${path.basename(file)} was not imported: ${JSON.stringify(report.failed)}`);
  return id;
}

export const byTestId = <T extends Element = HTMLElement>(testId: string, within: ParentNode = document) => within.querySelector<T>(`[data-testid="${testId}"]`);
export const allByTestId = <T extends Element = HTMLElement>(testId: string, within: ParentNode = document) => [...within.querySelectorAll<T>(`[data-testid="${testId}"]`)];
export const textOf = (testId: string, within: ParentNode = document) => byTestId(testId, within)?.textContent?.trim().replace(/\s+/g, ' ');
