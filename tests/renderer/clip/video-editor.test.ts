// The video editor in the clip view against the real core (tests/helpers/direct-api.ts): trim
// handles by key and by command, undo and redo, markers, and edits from another window that
// cross or are malformed. Each edit is checked where it lands: the core's detail document.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { disposePinia } from 'pinia';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { defineComponent, h, nextTick } from 'vue';
import { readClipDetails, type ClipDetailDoc } from '../../../contract/clip-details.js';
import type { ClipView } from '../../../contract/clips.js';
import ClipDetail from '../../../renderer/src/clip/ClipDetail.vue';
import { useShortcutListener } from '../../../renderer/src/composables/use-commands.js';
import { useCommandStore } from '../../../renderer/src/stores/commands.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { importFiles } from '../../../main/library/importer.js';
import { writeKeyframedMp4 } from '../../unit/import/fixtures.js';
import { mountWithCore, press, type Mounted } from '../library/mount-library.js';
import { eventually } from './shard-repos.js';

let core: TestCore;
let mounted: Mounted | null = null;
let video: ClipView;
let work: string;
let file: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-video-editor-'));
  file = await writeKeyframedMp4(path.join(work, 'clip.mp4'), { seconds: 3, size: '160x120', audio: false });
});

afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

// A core per test: the test library's folder (tests/helpers/temp.ts) goes after each test, blobs and all.
beforeEach(async () => {
  core = await createTestCore();
  const report = await importFiles(core.library, [file]);
  video = await core.api.getClip({ id: report.imported[0]!.id });
});

afterEach(async () => {
  if (mounted) {
    mounted.wrapper.unmount();
    disposePinia(mounted.pinia);
  }
  mounted = null;
  for (const cleanup of cleanups.splice(0)) cleanup();
  await core.close();
});

/** The clip view as the app shows it: with the app's one shortcut listener. */
const WithShortcuts = defineComponent({
  props: { clipId: { type: String, required: true } },
  setup(props) {
    useShortcutListener();
    return () => h(ClipDetail, { clipId: props.clipId });
  },
});

async function openEditor(): Promise<void> {
  mounted = mountWithCore(WithShortcuts, core, { props: { clipId: video.id } });
  await eventually(() => document.querySelector('[data-testid="video-editor"]')).not.toBeNull();
  // The core's timeline (duration, frame length, waveform) has arrived: this video has no sound.
  await eventually(() => document.querySelector('[data-testid="video-no-waveform"]')?.textContent).toBe('No waveform: the video has no sound.');
  expect(handleValue('trim-end-handle')).toBe(3000);
}

const element = (testId: string) => document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)!;
const handleValue = (testId: string) => Number(element(testId)?.getAttribute('aria-valuenow'));

/** The video section of the clip's detail document, as the core has it. */
async function coreEdits(): Promise<ReturnType<typeof readVideo>> {
  return core.library.details.read(video.id, readVideo);
}

function readVideo(doc: ClipDetailDoc | null) {
  const read = doc ? readClipDetails(doc, video.id) : null;
  return read?.ok ? { ...read.details.video, markers: read.details.video.markers.map(({ atMs, label }) => ({ atMs, label })) } : null;
}

async function pressOn(testId: string, key: string, options: KeyboardEventInit = {}): Promise<KeyboardEvent> {
  const target = element(testId);
  target.focus();
  const event = press(key, { target, ...options });
  await nextTick();
  return event;
}

describe('trimming', () => {
  test('the handles are sliders that arrows move by a frame, Shift by a second; the clip view does not move on', async () => {
    await openEditor();
    const start = element('trim-start-handle');
    expect(start.getAttribute('role')).toBe('slider');
    expect(start.getAttribute('aria-valuetext')).toBe('0:00.00');
    expect(start.tabIndex).toBe(0);

    const arrow = await pressOn('trim-start-handle', 'ArrowRight', { shiftKey: true });
    expect(arrow.defaultPrevented).toBe(true);
    await pressOn('trim-start-handle', 'ArrowRight');
    await eventually(() => handleValue('trim-start-handle')).toBe(1040);
    expect(element('trim-start-handle').getAttribute('aria-valuetext')).toBe('0:01.04');
    await pressOn('trim-end-handle', 'ArrowLeft');
    await eventually(coreEdits).toMatchObject({ trimStartMs: 1040, trimEndMs: 2960 });
    // Still the same clip, not the next or previous one.
    expect(mounted!.wrapper.findComponent(ClipDetail).props('clipId')).toBe(video.id);
    expect(element('video-trim-summary').textContent).toContain('Keeps 0:01.04–0:02.96 (0:01.92)');
  });

  test('I and O set the trim at the playhead; typing in a field does not', async () => {
    await openEditor();
    await pressOn('video-playhead', 'ArrowRight', { shiftKey: true });
    await pressOn('video-playhead', 'ArrowRight');
    expect(element('video-time').textContent).toContain('0:01.04');
    press('i');
    await eventually(() => handleValue('trim-start-handle')).toBe(1040);
    await pressOn('video-playhead', 'ArrowRight', { shiftKey: true });
    press('o');
    await eventually(coreEdits).toMatchObject({ trimStartMs: 1040, trimEndMs: 2040 });

    const notes = element('clip-notes-input') as HTMLTextAreaElement;
    notes.focus();
    press('i', { target: notes });
    await pressOn('video-playhead', 'Home');
    notes.focus();
    press('i', { target: notes });
    expect((await coreEdits())?.trimStartMs).toBe(1040);
  });

  test('says whether the cut starts on a keyframe (a lossless export), and snaps the in point to one', async () => {
    await openEditor();
    expect(element('video-cut-note').textContent).toContain('Starts on a keyframe: MP4 export copies the video as it is, fast and lossless.');
    // A frame off a keyframe still counts as on it; two frames do not.
    await pressOn('trim-start-handle', 'ArrowRight', { shiftKey: true });
    await pressOn('trim-start-handle', 'ArrowRight');
    await eventually(() => handleValue('trim-start-handle')).toBe(1040);
    expect(element('video-cut-note').textContent).toContain('Starts on a keyframe');
    await pressOn('trim-start-handle', 'ArrowRight');
    await eventually(() => element('video-cut-note').textContent).toContain('Starts between keyframes: MP4 export re-encodes from the exact frame.');
    expect(element('video-snap-keyframe').textContent).toBe('Snap the in point to the keyframe at 0:01.00');
    element('video-snap-keyframe').click();
    await eventually(coreEdits).toMatchObject({ trimStartMs: 1000 });
    await eventually(() => element('video-cut-note').textContent).toContain('Starts on a keyframe');
  });

  test('the editor’s commands are registered for the palette and the shortcut list, under Editor', async () => {
    await openEditor();
    const commands = useCommandStore(mounted!.pinia).commands.filter((command) => command.group === 'Editor');
    expect(commands.map((command) => [command.id, command.keys])).toEqual(
      expect.arrayContaining([
        ['video.set-in', ['I']],
        ['video.set-out', ['O']],
        ['video.add-marker', ['M']],
        ['video.set-poster', ['P']],
        ['video.play-trimmed', ['K']],
      ]),
    );
  });

  test('a trim is undone and redone, as its own step, through the clip’s history', async () => {
    await openEditor();
    await pressOn('trim-end-handle', 'ArrowLeft', { shiftKey: true });
    await eventually(coreEdits).toMatchObject({ trimEndMs: 2000 });
    expect(element('clip-undo-button').getAttribute('aria-label')).toBe('Undo trim');
    element('clip-undo-button').click();
    await eventually(() => handleValue('trim-end-handle')).toBe(3000);
    await eventually(coreEdits).toMatchObject({ trimStartMs: null, trimEndMs: null });
    element('clip-redo-button').click();
    await eventually(coreEdits).toMatchObject({ trimEndMs: 2000 });
    // Ctrl+Z from the handle itself.
    await pressOn('trim-end-handle', 'z', { ctrlKey: true });
    await eventually(coreEdits).toMatchObject({ trimEndMs: null });
  });
});

describe('markers and the poster frame', () => {
  test('M adds a marker at the playhead, its label is saved, Delete on it removes it and not the clip', async () => {
    await openEditor();
    await pressOn('video-playhead', 'ArrowRight', { shiftKey: true });
    press('m');
    await eventually(coreEdits).toMatchObject({ markers: [{ atMs: 1000, label: '' }] });
    const label = element('video-marker-label') as HTMLInputElement;
    label.value = 'intro ends';
    label.dispatchEvent(new Event('change', { bubbles: true }));
    await eventually(coreEdits).toMatchObject({ markers: [{ atMs: 1000, label: 'intro ends' }] });

    const row = document.querySelector<HTMLElement>('[data-testid="video-marker"] button')!;
    row.focus();
    const deletion = press('Delete', { target: row });
    expect(deletion.defaultPrevented).toBe(true);
    await eventually(coreEdits).toMatchObject({ markers: [] });
    expect((await core.api.getClip({ id: video.id })).deletedAt).toBeNull();
    // Undo brings the marker back with its label.
    element('clip-undo-button').click();
    await eventually(coreEdits).toMatchObject({ markers: [{ atMs: 1000, label: 'intro ends' }] });
  });

  test('P makes the frame at the playhead the poster frame, and the grid’s thumbnail follows', async () => {
    await openEditor();
    await pressOn('video-playhead', 'ArrowRight', { shiftKey: true });
    await pressOn('video-playhead', 'ArrowRight', { shiftKey: true });
    press('p');
    await eventually(coreEdits).toMatchObject({ posterMs: 2000 });
    await eventually(async () => (await core.api.getClip({ id: video.id })).edited?.thumb ?? null).toMatch(/^[0-9a-f]{64}$/);
    expect(element('video-poster-tick')).not.toBeNull();
    expect(element('video-poster-time').textContent).toBe('Poster frame at 0:02.00');
  });
});

describe('edits another window made', () => {
  test('show up live; a trim whose ends crossed is shown as needing a fix, and the export is held until it is fixed', async () => {
    await openEditor();
    const other = core.openWindow();
    const opened = await other.documents.open(video.id);
    cleanups.push(() => {
      opened.close();
      other.close();
    });
    opened.detail.change((doc) => {
      doc.video.trimStartMs = 2500;
      doc.video.trimEndMs = 1000;
    });
    await eventually(() => element('video-trim-summary').textContent).toContain('The trim needs fixing: the trim ends (0:01.00) before it starts (0:02.50)');
    expect((element('video-export-button') as HTMLButtonElement).disabled).toBe(true);
    // Moving a handle fixes it.
    await pressOn('trim-start-handle', 'Home');
    await eventually(coreEdits).toMatchObject({ trimStartMs: null, trimEndMs: 1000 });
    expect((element('video-export-button') as HTMLButtonElement).disabled).toBe(false);
  });

  test('a malformed value is left out and said, and the rest still works', async () => {
    await openEditor();
    const other = core.openWindow();
    const opened = await other.documents.open(video.id);
    cleanups.push(() => {
      opened.close();
      other.close();
    });
    opened.detail.change((doc) => {
      (doc.video as unknown as Record<string, unknown>).trimStartMs = 'soon';
      doc.video.trimEndMs = 2000;
      (doc.video.markers as unknown as Record<string, unknown>).broken = { atMs: -3, label: 7 };
    });
    await eventually(() => handleValue('trim-end-handle')).toBe(2000);
    expect(handleValue('trim-start-handle')).toBe(0);
    expect(document.body.textContent).toContain('Left out: marker broken is malformed');
  });
});
