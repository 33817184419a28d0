// The clip view against the real core (tests/helpers/direct-api.ts): what is typed becomes CRDT
// changes the core indexes, another window's edits show up live, undo/redo and trash round-trip.
import * as Automerge from '@automerge/automerge';
import { flushPromises, type DOMWrapper } from '@vue/test-utils';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, test, vi } from 'vitest';
import { nextTick } from 'vue';
import type { ClipKind, ClipView } from '../../../contract/clips.js';
import ClipDetail from '../../../renderer/src/clip/ClipDetail.vue';
import { writePng } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';
import { writeMp4 } from '../../unit/import/fixtures.js';
import { press, type Mounted } from '../library/mount-library.js';
import { useClipViewHarness } from './clip-view-harness.js';
import { eventually } from './shard-repos.js';

const view = useClipViewHarness();


async function importText(text: string, title: string): Promise<string> {
  const { clipId } = await view.core.api.importText({ text, title });
  return clipId;
}

/** Imports a file the way a window uploads one, and returns the one clip of its kind. */
async function importFile(file: string, type: string, kind: ClipKind): Promise<ClipView> {
  const { importId } = await view.core.files.importFiles([new File([await readFile(file)], path.basename(file), { type })]);
  expect(importId).not.toBeNull();
  await expect.poll(async () => (await view.core.api.listClips({ kind })).items.length, { timeout: 20_000 }).toBe(1);
  return (await view.core.api.listClips({ kind })).items[0]!;
}

let image: Promise<ClipView> | null = null;

function importImage(): Promise<ClipView> {
  image ??= (async () => importFile(await writePng(await tempDir(), 'diagram.png', 7, { width: 120, height: 80 }), 'image/png', 'image'))();
  return image;
}

/** Mounts the clip view and waits until the clip's document is open and shown. */
async function openDetail(clipId: string): Promise<Mounted> {
  view.mount(ClipDetail, { clipId });
  await eventually(() => document.querySelector('[data-testid="clip-title-input"], [data-testid="clip-error"]')).not.toBeNull();
  return view.mounted;
}

const byTestId = <T extends Element = HTMLElement>(id: string): Omit<DOMWrapper<T>, 'exists'> => view.mounted.wrapper.get<T>(`[data-testid="${id}"]`);

function typeInto(element: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  element.focus();
  element.value = value;
  element.setSelectionRange(value.length, value.length);
  element.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('showing a clip', () => {
  test('a text clip: its text, a copy button, its facts, and the dialog has the focus', async () => {
    const id = await importText('line one\n  indented line two', 'Snippet');
    await openDetail(id);
    // Plain text opens ready to edit.
    await eventually(() => document.querySelector<HTMLTextAreaElement>('[data-testid="clip-text-input"]')?.value).toBe('line one\n  indented line two');
    expect(byTestId<HTMLInputElement>('clip-title-input').element.value).toBe('Snippet');
    expect(view.mounted.wrapper.find('button[aria-label="Copy the text"]').exists()).toBe(true);
    const facts = byTestId('clip-facts').text();
    expect(facts).toContain('Text');
    expect(facts).toContain('28 characters');
    expect(facts).toContain('app');
    expect(document.activeElement).toBe(byTestId('clip-detail').element);
    expect(byTestId('clip-export').element.tagName).toBe('BUTTON');
  });

  test('an image clip: the image from the media URL in its editor, its dimensions, and an export link that downloads it as edited', async () => {
    const image = await importImage();
    await openDetail(image.id);
    await eventually(() => view.mounted.wrapper.find('[data-testid="clip-image"]').exists()).toBe(true);
    expect(byTestId('clip-image').attributes('href')).toBe(view.core.api.mediaUrl(image.id, 'original'));
    expect(byTestId('clip-facts').text()).toContain('120 × 80');
    const exportLink = byTestId<HTMLAnchorElement>('clip-export');
    expect(exportLink.element.tagName).toBe('A');
    expect(exportLink.attributes('href')).toMatch(new RegExp(`^/media/${image.id}/rendered\\?format=png&heads=\\w+.*&download=1$`));
    expect(exportLink.attributes('download')).toBeDefined();
    expect(byTestId<HTMLAnchorElement>('editor-export-original').attributes('href')).toBe(view.core.api.mediaUrl(image.id, 'original', { download: true }));
  });

  test('an image that fails to load says why in words, not as a broken image', async () => {
    // The page's origin answers 404 for the media URL: the file is not there.
    const server = http.createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const happyDom = (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;
    const originalUrl = window.location.href;
    happyDom.setURL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    view.afterTest(() => {
      happyDom.setURL(originalUrl);
      server.close();
    });
    await openDetail((await importImage()).id);
    await eventually(() => view.mounted.wrapper.find('[data-testid="clip-image"]').exists()).toBe(true);
    byTestId('clip-image').element.dispatchEvent(new Event('error'));
    await eventually(() => view.mounted.wrapper.find('[data-testid="clip-media-error"]').exists()).toBe(true);
    expect(byTestId('clip-media-error').text()).toBe('Could not load the image: its file is missing from the library (404).');
    expect(view.mounted.wrapper.find('[data-testid="clip-image"]').exists()).toBe(false);
  });

  test('a video clip: a player that loads only metadata until played (the URL serves ranges), with its duration', async () => {
    const video = await importFile(await writeMp4(path.join(await tempDir(), 'clip.mp4'), { size: '160x120', seconds: 1, audio: false }), 'video/mp4', 'video');
    await openDetail(video.id);
    const player = byTestId<HTMLVideoElement>('clip-video');
    expect(player.element.tagName).toBe('VIDEO');
    expect(player.attributes('controls')).toBeDefined();
    expect(player.attributes('preload')).toBe('metadata');
    expect(player.attributes('src')).toBe(view.core.api.mediaUrl(video.id, 'original'));
    const facts = byTestId('clip-facts').text();
    expect(facts).toContain('160 × 120');
    expect(facts).toContain('0:01');
  });

  test("a text clip's export saves its text as a UTF-8 .txt file", async () => {
    const id = await importText('exported words, ünïcode too', 'Export me');
    await openDetail(id);
    const created = vi.spyOn(URL, 'createObjectURL');
    view.afterTest(() => created.mockRestore());
    await byTestId('clip-export').trigger('click');
    expect(created).toHaveBeenCalledTimes(1);
    const blob = created.mock.calls[0]![0] as Blob;
    expect(blob.type).toBe('text/plain;charset=utf-8');
    expect(await blob.text()).toBe('exported words, ünïcode too');
  });

  test('a clip that does not exist says so instead of showing an empty panel', async () => {
    await openDetail('0'.repeat(26));
    expect(byTestId('clip-error').text()).toMatch(/no longer exists/);
    expect(view.mounted.wrapper.find('[data-testid="clip-title-input"]').exists()).toBe(false);
  });
});

describe('editing in place', () => {
  test('a typed title reaches the core after a short pause, with no save button', async () => {
    const id = await importText('title text', 'Before');
    await openDetail(id);
    typeInto(byTestId<HTMLInputElement>('clip-title-input').element, 'After');
    await eventually(async () => (await view.core.api.getClip({ id })).title).toBe('After');
    expect(view.mounted.wrapper.findAll('button').map((button) => button.text())).not.toContain('Save');
  });

  test('notes reach the core as text', async () => {
    const id = await importText('notes text', 'Notes');
    await openDetail(id);
    typeInto(byTestId<HTMLTextAreaElement>('clip-notes-input').element, 'first line\nsecond line');
    await byTestId('clip-notes-input').trigger('blur');
    await eventually(async () => (await view.core.api.getClip({ id })).notes).toBe('first line\nsecond line');
  });

  test('tags are added and removed in the core', async () => {
    const id = await importText('tag text', 'Tags');
    await openDetail(id);
    const input = byTestId<HTMLInputElement>('clip-tag-input');
    typeInto(input.element, 'alpha');
    await input.trigger('keydown', { key: 'Enter' });
    typeInto(input.element, 'beta');
    await input.trigger('keydown', { key: ',' });
    await eventually(async () => (await view.core.api.getClip({ id })).tags).toEqual(['alpha', 'beta']);
    await eventually(() => view.mounted.wrapper.findAll('[data-testid="clip-tag"]').map((chip) => chip.attributes('data-tag'))).toEqual(['alpha', 'beta']);
    await view.mounted.wrapper.get('[data-testid="clip-tag"][data-tag="alpha"] button').trigger('click');
    await eventually(async () => (await view.core.api.getClip({ id })).tags).toEqual(['beta']);
  });

  test('a title over 500 characters is refused with the reason, and the core keeps the old one', async () => {
    const id = await importText('long title text', 'Kept');
    await openDetail(id);
    const input = byTestId<HTMLInputElement>('clip-title-input');
    typeInto(input.element, 'y'.repeat(501));
    await input.trigger('keydown', { key: 'Enter' });
    expect(view.mounted.wrapper.get('.title-field [role="alert"]').text()).toBe('a title can have at most 500 characters');
    // Longer than the write delay: nothing was written meanwhile either.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await view.core.api.getClip({ id })).title).toBe('Kept');
    expect(input.element.value).toHaveLength(501);
  });

  test("an edit made in a second window shows up, and the person's unsaved typing elsewhere is kept", async () => {
    const id = await importText('two windows', 'Mine');
    await openDetail(id);
    const notes = byTestId<HTMLTextAreaElement>('clip-notes-input').element;
    typeInto(notes, 'typing here');
    const other = await view.openInSecondWindow(id);
    other.handle.change((doc) => {
      const entry = doc.clips[id]!;
      entry.title = new Automerge.ImmutableString('Renamed elsewhere');
      entry.tags['from-elsewhere'] = true;
    });
    await expect.poll(() => byTestId<HTMLInputElement>('clip-title-input').element.value, { timeout: 10_000 }).toBe('Renamed elsewhere');
    await eventually(() => view.mounted.wrapper.find('[data-tag="from-elsewhere"]').exists()).toBe(true);
    expect(notes.value).toBe('typing here');
    await eventually(async () => (await view.core.api.getClip({ id })).notes).toBe('typing here');
    expect((await view.core.api.getClip({ id })).title).toBe('Renamed elsewhere');
  });
});

describe('undo and redo', () => {
  test('the buttons undo and redo a title edit, in the core too', async () => {
    const id = await importText('undo text', 'Original');
    await openDetail(id);
    const input = byTestId<HTMLInputElement>('clip-title-input');
    expect(byTestId('clip-undo-button').attributes('disabled')).toBeDefined();
    typeInto(input.element, 'Changed');
    await input.trigger('keydown', { key: 'Enter' });
    await input.trigger('blur');
    await eventually(async () => (await view.core.api.getClip({ id })).title).toBe('Changed');

    await byTestId('clip-undo-button').trigger('click');
    await eventually(async () => (await view.core.api.getClip({ id })).title).toBe('Original');
    await eventually(() => input.element.value).toBe('Original');
    await byTestId('clip-redo-button').trigger('click');
    await eventually(async () => (await view.core.api.getClip({ id })).title).toBe('Changed');
    await eventually(() => input.element.value).toBe('Changed');
    const history = await view.core.api.clipHistory({ id });
    expect(history.map((entry) => entry.operation).slice(0, 3)).toEqual(['undo', 'undo', 'edit']);
  });

  test('Ctrl+Z inside the field undoes the typing just done (written first), Ctrl+Shift+Z and Ctrl+Y redo', async () => {
    const id = await importText('keyboard undo', 'Start');
    await openDetail(id);
    const input = byTestId<HTMLInputElement>('clip-title-input').element;
    typeInto(input, 'Typed');
    // Still inside the write delay: the undo writes the typing, then takes it back.
    const undoKey = press('z', { ctrlKey: true, target: input });
    expect(undoKey.defaultPrevented).toBe(true);
    await eventually(() => input.value).toBe('Start');
    await eventually(async () => (await view.core.api.getClip({ id })).title).toBe('Start');
    press('Z', { ctrlKey: true, shiftKey: true, target: input });
    await eventually(() => input.value).toBe('Typed');
    press('z', { ctrlKey: true, target: input });
    await eventually(() => input.value).toBe('Start');
    press('y', { ctrlKey: true, target: input });
    await eventually(() => input.value).toBe('Typed');
    await eventually(async () => (await view.core.api.getClip({ id })).title).toBe('Typed');
  });

  test('undo of notes takes back only this window’s typing; what another window typed stays', async () => {
    const id = await importText('undo notes', 'Notes undo');
    await openDetail(id);
    const notes = byTestId<HTMLTextAreaElement>('clip-notes-input');
    typeInto(notes.element, 'mine');
    await notes.trigger('blur');
    await eventually(async () => (await view.core.api.getClip({ id })).notes).toBe('mine');
    const other = await view.openInSecondWindow(id);
    await eventually(() => String(other.handle.doc().clips[id]?.notes)).toBe('mine');
    other.handle.change((doc) => Automerge.splice(doc, ['clips', id, 'notes'], 4, 0, ' / theirs'));
    await expect.poll(() => notes.element.value, { timeout: 10_000 }).toBe('mine / theirs');
    await byTestId('clip-undo-button').trigger('click');
    await eventually(async () => (await view.core.api.getClip({ id })).notes).toBe(' / theirs');
    await byTestId('clip-redo-button').trigger('click');
    await eventually(async () => (await view.core.api.getClip({ id })).notes).toBe('mine / theirs');
  });

  test('the history panel lists the changes, this window’s marked as such', async () => {
    const id = await importText('history text', 'History');
    await openDetail(id);
    await eventually(() => byTestId('clip-history').text()).toContain('Imported');
    const input = byTestId<HTMLInputElement>('clip-title-input');
    typeInto(input.element, 'History, edited');
    await input.trigger('keydown', { key: 'Enter' });
    await expect.poll(() => byTestId('clip-history').text(), { timeout: 10_000 }).toContain('Edited');
    const newest = view.mounted.wrapper.findAll('[data-testid="clip-history-entry"]')[0]!;
    expect(newest.text()).toContain('this window');
  });
});

describe('trash and restore', () => {
  test('moving to the trash shows the state and restore brings it back, in the core', async () => {
    const id = await importText('trash text', 'Trash me');
    await openDetail(id);
    byTestId('clip-trash-button').element.focus();
    await byTestId('clip-trash-button').trigger('click');
    await eventually(() => view.mounted.wrapper.find('[data-testid="clip-trash-state"]').exists()).toBe(true);
    expect(byTestId('clip-trash-state').text()).toContain('In trash');
    // The pressed button is gone: the keyboard lands on the one that takes it back.
    await eventually(() => document.activeElement).toBe(byTestId('clip-restore-button').element);
    expect((await view.core.api.getClip({ id })).deletedAt).not.toBeNull();
    await byTestId('clip-restore-button').trigger('click');
    await eventually(() => view.mounted.wrapper.find('[data-testid="clip-trash-button"]').exists()).toBe(true);
    expect((await view.core.api.getClip({ id })).deletedAt).toBeNull();
    expect(view.mounted.wrapper.find('[data-testid="clip-trash-state"]').exists()).toBe(false);
  });

  test('undo takes a trash back', async () => {
    const id = await importText('trash undo', 'Trash undo');
    await openDetail(id);
    await byTestId('clip-trash-button').trigger('click');
    await eventually(() => view.mounted.wrapper.find('[data-testid="clip-restore-button"]').exists()).toBe(true);
    await byTestId('clip-undo-button').trigger('click');
    await eventually(async () => (await view.core.api.getClip({ id })).deletedAt).toBeNull();
    await eventually(() => view.mounted.wrapper.find('[data-testid="clip-trash-button"]').exists()).toBe(true);
  });
});

describe('the keyboard', () => {
  test('Esc in a field first leaves the field, then closes; arrows move between clips only when not typing', async () => {
    const id = await importText('keys text', 'Keys');
    await openDetail(id);
    const dialog = byTestId('clip-detail').element;
    const title = byTestId<HTMLInputElement>('clip-title-input').element;
    title.focus();
    press('ArrowLeft', { target: title });
    press('Escape', { target: title });
    expect(document.activeElement).toBe(dialog);
    expect(view.mounted.wrapper.emitted('close')).toBeUndefined();
    expect(view.mounted.wrapper.emitted('previous')).toBeUndefined();

    press('ArrowLeft', { target: dialog });
    press('ArrowRight', { target: dialog });
    press('Escape', { target: dialog });
    expect(view.mounted.wrapper.emitted('previous')).toHaveLength(1);
    expect(view.mounted.wrapper.emitted('next')).toHaveLength(1);
    expect(view.mounted.wrapper.emitted('close')).toHaveLength(1);
  });

  test('Esc leaving a field keeps what was typed', async () => {
    const id = await importText('esc text', 'Esc');
    await openDetail(id);
    const title = byTestId<HTMLInputElement>('clip-title-input').element;
    typeInto(title, 'Esc, typed');
    press('Escape', { target: title });
    await nextTick();
    await flushPromises();
    expect(title.value).toBe('Esc, typed');
    await eventually(async () => (await view.core.api.getClip({ id })).title).toBe('Esc, typed');
  });
});
