// Importing through the window against a real core: a drop and the file picker, progress, and
// per-file errors with the file's name and the reason.
import fs from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import App from '../../../renderer/src/App.vue';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { writePng } from '../../helpers/fixtures.js';
import { giveGridViewport, mountWithCore, type Mounted, unmountWithCore } from './mount-library.js';

let core: TestCore;
let mounted: Mounted | null = null;
let restoreViewport: () => void;

beforeEach(async () => {
  core = await createTestCore();
  restoreViewport = giveGridViewport(800, 600);
  mounted = mountWithCore(App, core);
  await expect.poll(() => document.querySelector('[data-testid="empty-state"]')).not.toBeNull();
});

afterEach(async () => {
  unmountWithCore(mounted);
  mounted = null;
  restoreViewport();
  await core.close();
});

async function pngFile(name: string, seed: number): Promise<File> {
  const file = await writePng(core.dir, `source-${seed}.png`, seed);
  return new File([await fs.readFile(file)], name, { type: 'image/png' });
}

/** A drag event as a browser sends it (happy-dom's DragEvent drops the dataTransfer it is given). */
function dragEvent(type: 'dragenter' | 'dragover' | 'drop', files: File[]): DragEvent {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  const event = new DragEvent(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: transfer });
  return event;
}

function drag(type: 'dragenter' | 'dragover' | 'drop', files: File[]): DragEvent {
  const event = dragEvent(type, files);
  document.body.dispatchEvent(event);
  return event;
}

const errorRows = () => [...document.querySelectorAll('[data-testid="import-error"]')].map((row) => row.textContent ?? '');

describe('importing', () => {
  test('files dropped on the window are imported; a broken one is listed by name with the reason', async () => {
    const good = await pngFile('sunset.png', 3);
    const broken = new File([new TextEncoder().encode('this is not a PNG at all')], 'broken.png', { type: 'image/png' });

    expect(drag('dragenter', [good, broken]).defaultPrevented).toBe(true);
    await nextTick();
    expect(document.querySelector('[data-testid="drop-overlay"]')).not.toBeNull();
    expect(drag('dragover', [good, broken]).defaultPrevented).toBe(true);
    expect(drag('drop', [good, broken]).defaultPrevented).toBe(true);
    await nextTick();
    expect(document.querySelector('[data-testid="drop-overlay"]')).toBeNull();

    await expect.poll(() => document.querySelector('[data-testid="import-panel"]')?.textContent ?? '', { timeout: 30_000 }).toContain(
      'Imported 1 of 2 files — 1 could not be imported',
    );
    const rows = errorRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('broken.png');
    const reason = document.querySelector('[data-testid="import-error"] .reason')?.textContent ?? '';
    expect(reason.length).toBeGreaterThan(5);

    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(1);
    const card = document.querySelector<HTMLElement>('[data-testid="clip-card"]');
    expect(card?.querySelector('.title')?.textContent).toBe('sunset');
    expect(card?.querySelector('.badge')?.textContent).toBe('Image');
    const thumbnail = card?.querySelector('img');
    expect(thumbnail?.getAttribute('src')).toBe(core.api.mediaUrl(card?.dataset.clipId ?? '', 'thumbnail'));
    expect(thumbnail?.getAttribute('loading')).toBe('lazy');
    expect(thumbnail?.getAttribute('decoding')).toBe('async');
    // The failed import stays until dismissed, so the reason can be read.
    document.querySelector<HTMLElement>('[data-testid="import-dismiss"]')?.click();
    await expect.poll(() => document.querySelector('[data-testid="import-panel"]')).toBeNull();
  });

  test('the file picker imports too, and the same file twice is reported as already there', async () => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="import-input"]');
    expect(input?.type).toBe('file');
    expect(input?.multiple).toBe(true);

    const transfer = new DataTransfer();
    transfer.items.add(await pngFile('one.png', 5));
    transfer.items.add(await pngFile('again.png', 5));
    Object.defineProperty(input, 'files', { configurable: true, value: transfer.files });
    input?.dispatchEvent(new Event('change', { bubbles: true }));

    await expect.poll(() => document.querySelector('[data-testid="import-panel"]')?.textContent ?? '', { timeout: 30_000 }).toContain('1 file already in the library');
    await expect.poll(() => document.querySelectorAll('[data-testid="clip-card"][data-clip-id]').length).toBe(1);
    expect(errorRows()).toEqual([]);
  });
});

test('the drop overlay ignores drags that carry no files', () => {
  expect(drag('dragenter', []).defaultPrevented).toBe(false);
  expect(document.querySelector('[data-testid="drop-overlay"]')).toBeNull();
});
