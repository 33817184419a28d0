// A text clip in the clip view against the real core: its text edited as collaborative Automerge
// text (two windows at once), undone per window, previewed as Markdown or highlighted code.
import * as Automerge from '@automerge/automerge';
import { flushPromises } from '@vue/test-utils';
import { describe, expect, test } from 'vitest';
import { defineComponent, h } from 'vue';
import ClipDetail from '../../../renderer/src/clip/ClipDetail.vue';
import { useShortcutListener } from '../../../renderer/src/composables/use-commands.js';
import { press } from '../library/mount-library.js';
import { useClipViewHarness } from './clip-view-harness.js';
import { eventually } from './shard-repos.js';

const view = useClipViewHarness();


async function importText(text: string, title: string): Promise<string> {
  return (await view.core.api.importText({ text, title })).clipId;
}

/** The clip view as the app has it: with the app's one shortcut listener. */
const ClipDetailInApp = defineComponent({
  props: { clipId: { type: String, required: true } },
  setup(props) {
    useShortcutListener();
    return () => h(ClipDetail, { clipId: props.clipId });
  },
});

async function openDetail(clipId: string): Promise<void> {
  view.mount(ClipDetailInApp, { clipId });
  await eventually(() => document.querySelector('[data-testid="text-preview-tab"]')).not.toBeNull();
}

const textInput = () => document.querySelector<HTMLTextAreaElement>('[data-testid="clip-text-input"]');
const preview = () => document.querySelector<HTMLElement>('[data-testid="clip-text"]');

function typeInto(element: HTMLTextAreaElement, value: string): void {
  element.focus();
  element.value = value;
  element.setSelectionRange(value.length, value.length);
  element.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('editing a text clip', () => {
  test('typing changes the clip itself: the core renders it for the grid and search', async () => {
    const id = await importText('Meeting at ten', 'Plan');
    await openDetail(id);
    await eventually(() => textInput()?.value).toBe('Meeting at ten');
    typeInto(textInput()!, 'Meeting at eleven');
    await eventually(async () => (await view.core.api.getClip({ id })).text).toBe('Meeting at eleven');
    expect((await view.core.api.getClip({ id })).edited?.summary).toBe('text edited');
    expect((await view.core.api.listClips({ text: 'eleven' })).items.map((clip) => clip.id)).toEqual([id]);
    // The history lists the text edit with the clip's other changes, as this window's own.
    await eventually(() => document.querySelector('[data-testid="clip-history"]')?.textContent ?? '').toMatch(/Text edited.*this window/);
  });

  test('Ctrl+Z takes back this window’s typing and keeps what another window typed', async () => {
    const id = await importText('alpha', 'Undo me');
    await openDetail(id);
    await eventually(() => textInput()?.value).toBe('alpha');
    typeInto(textInput()!, 'alpha beta');
    textInput()!.blur();
    await flushPromises();
    const opened = await view.openInSecondWindow(id);
    await eventually(() => opened.detail.doc()?.text).toBe('alpha beta');
    opened.detail.change((doc) => Automerge.splice(doc, ['text'], 0, 0, 'OTHER '));
    await eventually(() => textInput()?.value).toBe('OTHER alpha beta');
    press('z', { ctrlKey: true, target: textInput()! });
    await eventually(() => textInput()?.value).toBe('OTHER alpha');
    press('z', { ctrlKey: true, shiftKey: true, target: textInput()! });
    await eventually(() => textInput()?.value).toBe('OTHER alpha beta');
  });

  test('a text too long to edit here is shown read-only, with the reason', async () => {
    const long = `${'word '.repeat(60_000)}end`;
    await view.core.files.importFiles([new File([long], 'long.txt', { type: 'text/plain' })]);
    const find = async () => (await view.core.api.listClips({ kind: 'text' })).items.find((clip) => clip.sourceName === 'long.txt');
    await eventually(find).toBeDefined();
    const id = (await find())!.id;
    await openDetail(id);
    expect(textInput()).toBeNull();
    expect(document.querySelector<HTMLButtonElement>('[data-testid="text-edit-tab"]')!.disabled).toBe(true);
    expect(view.mounted.wrapper.text()).toMatch(/too long to edit here/);
  });
});

describe('previewing a text clip', () => {
  test('Markdown is rendered, its raw HTML stays text, and only web and mail links are links', async () => {
    const source = [
      '# Release notes',
      '',
      '- first **bold** point',
      '- second with `code`',
      '',
      '<script>window.hacked = true</script> <img src=x onerror=alert(1)>',
      '',
      '[safe](https://example.com) [evil](javascript:alert(1)) ![remote](https://tracker.example/pixel.png)',
      '',
      '```python',
      'def greet(): return "hi"',
      '```',
    ].join('\n');
    const id = await importText(source, 'Notes');
    await openDetail(id);
    const view = preview()!;
    expect(view.querySelector('h1')?.textContent).toBe('Release notes');
    expect([...view.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['first bold point', 'second with code']);
    expect(view.querySelector('script')).toBeNull();
    expect(view.querySelector('img')).toBeNull();
    expect(view.textContent).toContain('<script>window.hacked = true</script>');
    const links = [...view.querySelectorAll('a')].map((link) => link.getAttribute('href'));
    expect(links).toEqual(['https://example.com', 'https://tracker.example/pixel.png']);
    expect(view.querySelector('a.image-link')?.textContent).toContain('remote');
    expect(view.querySelector('pre code .hljs-keyword')?.textContent).toBe('def');
    expect((window as unknown as { hacked?: boolean }).hacked).toBeUndefined();
  });

  test('code is highlighted; the chosen format is kept in the clip for every window', async () => {
    const id = await importText('const answer = 42;\nfunction ask() { return answer; }\n', 'Snippet');
    await openDetail(id);
    const select = document.querySelector<HTMLSelectElement>('[data-testid="text-format"]')!;
    expect(select.value).toBe('code:javascript');
    expect(preview()?.querySelector('.hljs-keyword')?.textContent).toBe('const');
    select.value = 'code:typescript';
    select.dispatchEvent(new Event('change'));
    await flushPromises();
    const opened = await view.openInSecondWindow(id);
    await eventually(() => String(opened.detail.doc()?.textFormat ?? '')).toBe('code:typescript');
    expect(preview()?.querySelector('code')?.className).toBe('language-typescript');
  });

  test('Ctrl+E switches between editing and the preview', async () => {
    const id = await importText('# Title\n\n- a\n- b\n', 'Toggle');
    await openDetail(id);
    expect(preview()?.querySelector('h1')).not.toBeNull();
    press('e', { ctrlKey: true, target: document.body });
    await eventually(() => textInput()?.value).toBe('# Title\n\n- a\n- b\n');
    press('e', { ctrlKey: true, target: textInput()! });
    await eventually(() => preview()?.querySelector('h1')?.textContent).toBe('Title');
  });
});
