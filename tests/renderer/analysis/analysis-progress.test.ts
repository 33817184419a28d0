// Background analysis in the whole app, against the real core and AnalysisService (its worker a
// real process that stops on every clip): the top bar's indicator following 'analysis-changed'
// events (paused and waiting, resumed, the clips it gave up on), the failures list with the
// reasons, opening a clip and analysing again from it; the clips on screen jumping the queue; the
// analysis keys among the keyboard settings; and an app whose core runs no analysis.
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { JOB_PRIORITY, AnalysisStore } from '../../../main/ai/analysis/analysis-store.js';
import { progressLabel } from '../../../renderer/src/analysis/analysis-format.js';
import App from '../../../renderer/src/App.vue';
import { useSelectionStore } from '../../../renderer/src/stores/selection.js';
import { useSettingsStore } from '../../../renderer/src/stores/settings.js';
import { WORKER_EXIT_CODE } from '../../helpers/test-analysis.js';
import { giveGridViewport, press, type Mounted } from '../library/mount-library.js';
import { allByTestId, byTestId, importImage, textOf, useAnalysisHarness, type AnalysisHarness } from './analysis-harness.js';

async function mountApp(harness: AnalysisHarness): Promise<Mounted> {
  harness.afterTest(giveGridViewport(800, 600));
  const mounted = harness.mount(App);
  await useSettingsStore(mounted.pinia).whenOpen();
  return mounted;
}

describe('with analysis', () => {
  const harness = useAnalysisHarness();

  test('the indicator follows analysis: paused and waiting, resumed, then the clips it gave up on, listed with why', async () => {
    const first = await importImage(harness.core);
    const second = await importImage(harness.core);
    await mountApp(harness);
    await expect.poll(() => textOf('analysis-progress')).toBe('Analysis paused · 2 clips waiting');
    expect(textOf('analysis-pause')).toBe('Resume');
    expect(byTestId('analysis-pause')!.getAttribute('aria-pressed')).toBe('true');

    byTestId('analysis-pause')!.click();
    // Each clip stops the worker; the events bring the outcome, nobody asks.
    await expect.poll(() => textOf('analysis-failed'), { timeout: 20_000 }).toBe('2 failed');
    expect(byTestId('analysis-progress')).toBeNull();

    byTestId('analysis-failed')!.click();
    await expect.poll(() => allByTestId('analysis-failure').map((row) => row.dataset.clipId).sort()).toEqual([first, second].sort());
    expect(document.activeElement).toBe(byTestId('analysis-failures'));
    for (const reason of allByTestId('analysis-failure-reason')) {
      expect(reason.textContent).toMatch(new RegExp(`^Stopped the analysis worker: the analysis worker stopped \\(exit code ${WORKER_EXIT_CODE}\\) while analysing clip [0-9a-z]{26}$`));
    }

    // Paused again (from another window), one is asked for again: it waits, and leaves the list.
    await harness.core.api.pauseAnalysis({});
    await expect.poll(() => textOf('analysis-progress')).toBe('Analysis paused');
    byTestId(`analysis-failure-retry`, document.querySelector(`[data-clip-id="${first}"]`)!)!.click();
    await expect.poll(() => textOf('analysis-failures-outcome')).toBe('1 clip queued to be analysed again.');
    expect(allByTestId('analysis-failure').map((row) => row.dataset.clipId)).toEqual([second]);
    await expect.poll(() => textOf('analysis-progress')).toBe('Analysis paused · 1 clip waiting');
    expect(textOf('analysis-failed')).toBe('1 failed');

    // Esc closes the list and gives the keyboard back to the count.
    press('Escape', { target: document.activeElement! });
    await nextTick();
    await nextTick();
    expect(byTestId('analysis-failures')).toBeNull();
    expect(document.activeElement).toBe(byTestId('analysis-failed'));

    // A clip in the list opens in the clip view.
    byTestId('analysis-failed')!.click();
    await expect.poll(() => byTestId('analysis-failure-open')).not.toBeNull();
    byTestId('analysis-failure-open')!.click();
    await expect.poll(() => byTestId('clip-overlay')).not.toBeNull();
    await expect.poll(() => textOf('clip-analysis-status')).toMatch(/^This clip stopped the analysis worker/);
  });

  test('work arriving from elsewhere shows without the window asking', async () => {
    const id = await importImage(harness.core);
    await harness.core.api.cancelAnalysis({});
    await mountApp(harness);
    await expect.poll(() => textOf('analysis-progress')).toBe('Analysis paused');
    await harness.core.api.analyseClips({ ids: [id] });
    await expect.poll(() => textOf('analysis-progress')).toBe('Analysis paused · 1 clip waiting');
  });

  test('says how far a run has got', () => {
    expect(progressLabel({ state: 'running', queued: 328, analysed: 12, failed: 0, crashed: 0, current: 'x' })).toBe('Analysing 13 of 340…');
    expect(progressLabel({ state: 'idle', queued: 0, analysed: 340, failed: 0, crashed: 0, current: null })).toBe('');
  });

  test('the clips on screen jump the queue', async () => {
    const ids = [await importImage(harness.core), await importImage(harness.core)];
    const store = new AnalysisStore(harness.core.library.db);
    await expect.poll(() => ids.map((id) => store.job(id)?.priority)).toEqual([JOB_PRIORITY.new, JOB_PRIORITY.new]);
    await mountApp(harness);
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(2);
    await expect.poll(() => ids.map((id) => store.job(id)?.priority)).toEqual([JOB_PRIORITY.visible, JOB_PRIORITY.visible]);
  });

  test('the analysis keys are among the keyboard settings once a clip has been open, and the palette pauses analysis', async () => {
    const id = await importImage(harness.core);
    const mounted = await mountApp(harness);
    useSelectionStore(mounted.pinia).openClipId = id;
    await expect.poll(() => byTestId('clip-analysis')).not.toBeNull();
    press('Escape', { target: byTestId('clip-detail')! });
    await expect.poll(() => byTestId('clip-overlay')).toBeNull();

    byTestId('settings-button')!.click();
    await expect.poll(() => byTestId('keyboard-settings')).not.toBeNull();
    const row = (commandId: string) => document.querySelector(`[data-testid="shortcut-row"][data-command-id="${commandId}"]`);
    expect(row('analysis.text-layer')?.textContent).toContain('Show or hide the recognised text over the image');
    const specs = (commandId: string) => [...row(commandId)!.querySelectorAll<HTMLElement>('[data-spec]')].map((key) => key.dataset.spec);
    expect(specs('analysis.text-layer')).toEqual(['Shift+T']);
    expect(specs('analysis.copy-text')).toEqual(['Mod+Shift+C']);
    expect(specs('suggestions.accept')).toEqual(['Enter', 'A']);
    expect(row('suggestions.accept')?.textContent).toContain('Add the focused suggested tag');
    byTestId('settings-close')!.click();
    await expect.poll(() => byTestId('settings-dialog')).toBeNull();

    press('k', { ctrlKey: true, target: document.body });
    await nextTick();
    const input = byTestId<HTMLInputElement>('palette-input')!;
    input.value = 'Pause or resume background analysis';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await nextTick();
    expect(document.querySelector('[data-testid="palette-option"] .palette-title')?.textContent?.trim()).toBe('Pause or resume background analysis');
    press('Enter', { target: input });
    await expect.poll(async () => (await harness.core.api.analysisProgress({})).state).not.toBe('paused');
  });
});

describe('without analysis', () => {
  const harness = useAnalysisHarness({ withAnalysis: false });

  test('neither the top bar nor the clip view shows anything of it', async () => {
    const id = await importImage(harness.core);
    const mounted = await mountApp(harness);
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"]').length).toBe(1);
    expect(byTestId('analysis-indicator')).toBeNull();
    useSelectionStore(mounted.pinia).openClipId = id;
    await expect.poll(() => byTestId('clip-tag-input')).not.toBeNull();
    // Time for the core's answers ('unsupported') to arrive and be shown.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(byTestId('clip-analysis')).toBeNull();
    expect(byTestId('suggested-tags')).toBeNull();
  });
});
