// Suggested tags in the clip view, against the real core and AnalysisService: shown apart from the
// clip's own, one key (or a click) adds the focused one, which becomes a tag at once and is taken
// back by the clip's undo; one key (or a click) turns one down, which the core records; the arrow
// keys move between them and Shift+S comes to them from anywhere in the clip.
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import type { SuggestedTagSummary } from '../../../contract/analysis.js';
import { markAnalysed } from '../../helpers/test-analysis.js';
import { press } from '../library/mount-library.js';
import { allByTestId, byTestId, importImage, textOf, useAnalysisHarness } from './analysis-harness.js';

const harness = useAnalysisHarness();

const SUGGESTED: SuggestedTagSummary[] = [
  { tag: 'terminal', score: 0.93, source: 'text' },
  { tag: 'error', score: 0.81, source: 'text' },
  { tag: 'screenshot', score: 0.6, source: 'metadata' },
];

async function openWithSuggestions(tags: string[] = []): Promise<string> {
  const id = await importImage(harness.core);
  if (tags.length > 0) await harness.core.api.changeTags({ id, add: tags });
  await markAnalysed(harness.core.library, id, { suggested: SUGGESTED });
  await harness.openClip(id);
  await expect.poll(() => suggestedTags()).toEqual(SUGGESTED.map((suggestion) => suggestion.tag));
  return id;
}

const suggestedTags = () => allByTestId('suggested-tag').map((chip) => chip.dataset.tag);
const ownTags = () => allByTestId('clip-tag').map((chip) => chip.dataset.tag);
const chip = (tag: string) => document.querySelector<HTMLElement>(`[data-testid="suggested-tag"][data-tag="${tag}"]`)!;
const focusedTag = () => (document.activeElement as HTMLElement | null)?.dataset.tag;

async function key(name: string, options: KeyboardEventInit & { target?: Element } = {}): Promise<KeyboardEvent> {
  const event = press(name, options);
  await nextTick();
  return event;
}

describe('suggested tags', () => {
  test('are shown apart from the clip’s own, labelled, with where they came from and how sure', async () => {
    await openWithSuggestions(['mine']);
    expect(ownTags()).toEqual(['mine']);
    const section = byTestId('suggested-tags')!;
    expect(section.textContent).toContain('Suggested');
    expect(section.contains(byTestId('clip-tag'))).toBe(false);
    expect(chip('terminal').title).toBe('Suggested from the recognised text, score 93%. Click to add it.');
    expect(chip('screenshot').title).toBe('Suggested from the clip’s kind, size and source, score 60%. Click to add it.');
    expect(chip('terminal').getAttribute('aria-label')).toBe('Suggested tag terminal: Enter adds it, Delete turns it down');
    // One tab stop for the list; the arrow keys move within it.
    expect(allByTestId('suggested-tag').map((element) => element.tabIndex)).toEqual([0, -1, -1]);
  });

  test('Shift+S, the arrow keys and A: the tag is the clip’s own at once and in the library; the clip’s undo takes it back', async () => {
    const id = await openWithSuggestions();
    await key('S', { shiftKey: true, target: document.body });
    expect(focusedTag()).toBe('terminal');
    const moved = await key('ArrowRight');
    // The arrow moves between suggestions, not to the next clip.
    expect(moved.defaultPrevented).toBe(true);
    expect(focusedTag()).toBe('error');
    expect(chip('error').tabIndex).toBe(0);

    await key('a');
    // At once, before the core answers: a tag, no longer a suggestion, and the keyboard on the next one.
    expect(ownTags()).toEqual(['error']);
    expect(suggestedTags()).toEqual(['terminal', 'screenshot']);
    await nextTick();
    expect(focusedTag()).toBe('screenshot');
    await expect.poll(() => harness.core.library.get(id).tags).toEqual(['error']);
    await expect.poll(() => byTestId<HTMLButtonElement>('clip-undo-button')!.disabled).toBe(false);
    expect(byTestId('clip-undo-button')!.getAttribute('aria-label')).toBe('Undo tag change');

    await key('z', { ctrlKey: true, target: byTestId('clip-detail')! });
    await expect.poll(() => harness.core.library.get(id).tags).toEqual([]);
    // Taken back, it is a suggestion again (it was never turned down).
    await expect.poll(suggestedTags).toEqual(['terminal', 'error', 'screenshot']);
    expect(ownTags()).toEqual([]);
  });

  test('Delete turns the focused one down: gone, recorded by the core, and the clip stays where it was', async () => {
    const id = await openWithSuggestions();
    await key('S', { shiftKey: true, target: document.body });
    const removed = await key('Delete');
    expect(removed.defaultPrevented).toBe(true);
    expect(suggestedTags()).toEqual(['error', 'screenshot']);
    await nextTick();
    expect(focusedTag()).toBe('error');
    await expect.poll(() => harness.core.library.get(id).analysis?.rejected).toEqual(['terminal']);
    expect(harness.core.library.get(id).deletedAt).toBeNull();
    expect(textOf('suggested-announcement')).toBe('Suggestion “terminal” turned down.');

    // R does the same; Enter adds.
    await key('r');
    await key('Enter');
    await expect.poll(() => harness.core.library.get(id).analysis?.rejected).toEqual(['error', 'terminal']);
    await expect.poll(() => harness.core.library.get(id).tags).toEqual(['screenshot']);
    await expect.poll(() => byTestId('suggested-tags')).toBeNull();
    // With none left, the keyboard goes back to the clip.
    expect(document.activeElement).toBe(byTestId('clip-detail'));
  });

  test('the mouse: a click on a suggestion adds it, its × turns it down', async () => {
    const id = await openWithSuggestions();
    chip('screenshot').click();
    await nextTick();
    expect(ownTags()).toEqual(['screenshot']);
    document.querySelector<HTMLElement>('[data-tag="terminal"] + [data-testid="suggested-tag-reject"]')!.click();
    await nextTick();
    expect(suggestedTags()).toEqual(['error']);
    await expect.poll(() => harness.core.library.get(id).tags).toEqual(['screenshot']);
    await expect.poll(() => harness.core.library.get(id).analysis?.rejected).toEqual(['terminal']);
    expect((await harness.core.api.clipAnalysis({ id })).suggestions.map((suggestion) => suggestion.tag)).toEqual(['error']);
  });
});
