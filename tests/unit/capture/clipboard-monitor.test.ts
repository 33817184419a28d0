// Clipboard history against a real library: what a copy becomes, what is never recorded, and
// repeats folded into the clip they repeat.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLIPBOARD_SETTINGS, type ClipboardSettings } from '../../../contract/clipboard-settings.js';
import { isClipboardSourceName, sourceAppOf } from '../../../main/capture/clipboard/clipboard-clips.js';
import { clipboardLibrarySink } from '../../../main/capture/clipboard/clipboard-library-sink.js';
import { ClipboardMonitor, isExcluded, type ClipboardEvent } from '../../../main/capture/clipboard/clipboard-monitor.js';
import { MemoryClipboard } from '../../../main/capture/clipboard/memory-clipboard.js';
import type { Library } from '../../../main/library/library.js';
import { createTestLibrary } from '../../helpers/library.js';

let library: Library;
let clipboard: MemoryClipboard;
let settings: ClipboardSettings;
let events: ClipboardEvent[];
let monitor: ClipboardMonitor;
let clock: number;

beforeEach(async () => {
  ({ library } = await createTestLibrary());
  clipboard = new MemoryClipboard();
  settings = { ...DEFAULT_CLIPBOARD_SETTINGS, excludedApps: [] };
  events = [];
  clock = Date.now();
  monitor = newMonitor();
  await monitor.start();
});

afterEach(async () => {
  await monitor.stop();
  await library.close();
});

function newMonitor(): ClipboardMonitor {
  // pollMs far beyond a test: each test calls check() itself, as a poll would.
  return new ClipboardMonitor({
    reader: clipboard,
    sink: clipboardLibrarySink(library, () => clock),
    settings: () => settings,
    onEvent: (event) => events.push(event),
    pollMs: 3_600_000,
    now: () => clock,
  });
}

async function copy(content: Parameters<MemoryClipboard['write']>[0]): Promise<ClipboardEvent | undefined> {
  const before = events.length;
  clipboard.write(content);
  await monitor.check();
  expect(events.length - before).toBeLessThanOrEqual(1);
  return events[before];
}

function clips(): ReturnType<Library['query']>['items'] {
  return library.query({ limit: 100 }).items;
}

function rgba(width: number, height: number, colour: [number, number, number]): Uint8Array {
  const bytes = new Uint8Array(width * height * 4);
  for (let i = 0; i < bytes.length; i += 4) bytes.set([...colour, 255], i);
  return bytes;
}

describe('change detection', () => {
  it('records a change once, and not what was on the clipboard before watching began', async () => {
    await monitor.stop();
    clipboard.write({ text: 'copied before history was on' });
    monitor = newMonitor();
    await monitor.start();
    await monitor.check();
    expect(events).toEqual([]);

    const event = await copy({ text: 'hello from the editor', sourceApp: 'gedit' });
    expect(event).toMatchObject({ type: 'recorded', kind: 'text', sourceApp: 'gedit', folded: false });
    await monitor.check();
    await monitor.check();
    expect(events).toHaveLength(1);
    expect(clips().map((clip) => clip.text)).toEqual(['hello from the editor']);
  });

  it('polls on its own', async () => {
    await monitor.stop();
    monitor = new ClipboardMonitor({ reader: clipboard, sink: clipboardLibrarySink(library), settings: () => settings, onEvent: (event) => events.push(event), pollMs: 10 });
    await monitor.start();
    clipboard.write({ text: 'seen by the poll' });
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toMatchObject({ type: 'recorded', kind: 'text' });
  });
});

describe('what a copy becomes', () => {
  it('text becomes a text clip with the source app in its source name', async () => {
    const event = await copy({ text: 'const answer = 42;\n', sourceApp: 'org.gnome.TextEditor' });
    expect(event?.type).toBe('recorded');
    const clip = library.get((event as { clipId: string }).clipId);
    expect(clip).toMatchObject({ kind: 'text', text: 'const answer = 42;\n', title: 'const answer = 42;' });
    expect(clip.sourceName).toBe('Clipboard (org.gnome.TextEditor).txt');
    expect(sourceAppOf(clip.sourceName)).toBe('org.gnome.TextEditor');
    expect(isClipboardSourceName(clip.sourceName)).toBe(true);
  });

  it('a lone web address is a link, titled by the address', async () => {
    const event = await copy({ text: '  https://example.org/docs?q=1  ', sourceApp: 'firefox' });
    expect(event).toMatchObject({ type: 'recorded', kind: 'link' });
    const clip = library.get((event as { clipId: string }).clipId);
    expect(clip).toMatchObject({ kind: 'text', text: 'https://example.org/docs?q=1', title: 'https://example.org/docs?q=1' });
    expect((await copy({ text: 'see https://example.org for more' }))?.type === 'recorded' && events.at(-1)).toMatchObject({ kind: 'text' });
    expect((await copy({ text: 'javascript:alert(1)' }))).toMatchObject({ kind: 'text' });
  });

  it('a picture becomes an image clip; raw pixels are encoded as PNG', async () => {
    const event = await copy({ image: { encoding: 'rgba', width: 40, height: 30, bytes: rgba(40, 30, [200, 30, 30]) }, formats: { 'text/html': '<img src="x.png">' }, sourceApp: 'chromium' });
    expect(event).toMatchObject({ type: 'recorded', kind: 'image', sourceApp: 'chromium' });
    const clip = library.get((event as { clipId: string }).clipId);
    expect(clip.kind).toBe('image');
    expect(clip.media).toMatchObject({ mime: 'image/png', width: 40, height: 30 });
    expect(clip.sourceName).toBe('Clipboard (chromium).png');
    expect(clip.title).toBe('Copied image from chromium');
  });

  it('text beside a picture of it (an office suite) is kept as text', async () => {
    const event = await copy({ text: 'Q3 revenue', image: { encoding: 'rgba', width: 4, height: 4, bytes: rgba(4, 4, [0, 0, 0]) } });
    expect(event).toMatchObject({ type: 'recorded', kind: 'text' });
    expect(clips().map((clip) => clip.kind)).toEqual(['text']);
  });

  it('copied files become a text clip listing their paths, not an import of the files', async () => {
    const event = await copy({ filePaths: ['/home/ana/report.pdf', '/home/ana/photos/'], text: 'report.pdf\nphotos' });
    expect(event).toMatchObject({ type: 'recorded', kind: 'files' });
    const clip = library.get((event as { clipId: string }).clipId);
    expect(clip).toMatchObject({ kind: 'text', text: '/home/ana/report.pdf\n/home/ana/photos/', title: '2 files: report.pdf, photos' });
    expect(clips()).toHaveLength(1);
  });

  it('an empty or blank copy is not recorded', async () => {
    expect(await copy({ text: '  \n\t ' })).toMatchObject({ type: 'ignored', reason: 'empty' });
    expect(await copy({ formats: { 'application/x-custom': 'bytes' } })).toMatchObject({ type: 'ignored', reason: 'empty' });
    expect(clips()).toEqual([]);
  });
});

describe('never recorded', () => {
  it.each([
    ['org.nspasteboard.ConcealedType', ''],
    ['org.nspasteboard.TransientType', ''],
    ['org.nspasteboard.AutoGeneratedType', ''],
    ['ExcludeClipboardContentFromMonitorProcessing', ''],
    ['Clipboard Viewer Ignore', ''],
    ['x-kde-passwordManagerHint', 'secret'],
  ])('content marked %s', async (format, value) => {
    const event = await copy({ text: 'hunter2', formats: { [format]: value }, sourceApp: 'KeePassXC' });
    expect(event).toMatchObject({ type: 'ignored', reason: 'concealed' });
    expect(clips()).toEqual([]);
  });

  it("Windows' CanIncludeInClipboardHistory: 0 conceals, 1 does not", async () => {
    expect(await copy({ text: 'pin 1234', formats: { CanIncludeInClipboardHistory: new Uint8Array([0, 0, 0, 0]) } })).toMatchObject({ type: 'ignored', reason: 'concealed' });
    expect(await copy({ text: 'ok to keep', formats: { CanIncludeInClipboardHistory: new Uint8Array([1, 0, 0, 0]) } })).toMatchObject({ type: 'recorded' });
    expect(clips().map((clip) => clip.text)).toEqual(['ok to keep']);
  });

  it('a KDE hint that is not "secret" does not conceal', async () => {
    expect(await copy({ text: 'plain', formats: { 'x-kde-passwordManagerHint': 'public' } })).toMatchObject({ type: 'recorded' });
  });

  it('copies from an excluded app, matched by name, executable or bundle id', async () => {
    settings.excludedApps = ['KeePassXC', '1Password'];
    expect(await copy({ text: 'secret one', sourceApp: 'org.keepassxc.KeePassXC' })).toMatchObject({ type: 'ignored', reason: 'excluded-app' });
    expect(await copy({ text: 'secret two', sourceApp: '1Password.exe' })).toMatchObject({ type: 'ignored', reason: 'excluded-app' });
    expect(await copy({ text: 'from the terminal', sourceApp: 'gnome-terminal' })).toMatchObject({ type: 'recorded' });
    expect(await copy({ text: 'source unknown' })).toMatchObject({ type: 'recorded' });
    expect(clips().map((clip) => clip.text).sort()).toEqual(['from the terminal', 'source unknown']);
    expect(isExcluded('KeePass', ['keepassxc'])).toBe(false);
  });

  it('anything while history is off, and over the size limit', async () => {
    settings.enabled = false;
    expect(await copy({ text: 'while off' })).toMatchObject({ type: 'ignored', reason: 'disabled' });
    settings = { ...settings, enabled: true, maxItemBytes: 1024 };
    expect(await copy({ text: 'x'.repeat(1025) })).toMatchObject({ type: 'ignored', reason: 'too-large' });
    expect(await copy({ image: { encoding: 'rgba', width: 20, height: 20, bytes: rgba(20, 20, [1, 2, 3]) } })).toMatchObject({ type: 'ignored', reason: 'too-large' });
    expect(await copy({ text: 'x'.repeat(1024) })).toMatchObject({ type: 'recorded' });
    expect(clips()).toHaveLength(1);
  });
});

describe('pausing', () => {
  it('"pause for the next copy" skips exactly one copy', async () => {
    monitor.skipNextCopy();
    expect(monitor.skipsNextCopy).toBe(true);
    await monitor.check(); // no change yet: the pause waits for a copy
    expect(await copy({ text: 'a password typed by hand' })).toMatchObject({ type: 'ignored', reason: 'skipped-once' });
    expect(await copy({ text: 'the next one' })).toMatchObject({ type: 'recorded' });
    expect(clips().map((clip) => clip.text)).toEqual(['the next one']);
  });

  it('a pause in the settings holds until its time', async () => {
    settings.pausedUntil = clock + 60_000;
    expect(await copy({ text: 'during the pause' })).toMatchObject({ type: 'ignored', reason: 'paused' });
    clock += 60_000;
    expect(await copy({ text: 'after the pause' })).toMatchObject({ type: 'recorded' });
    expect(clips().map((clip) => clip.text)).toEqual(['after the pause']);
  });
});

describe('duplicates', () => {
  it('copying the same content again bumps the clip instead of making another', async () => {
    const first = (await copy({ text: 'the same words' })) as Extract<ClipboardEvent, { type: 'recorded' }>;
    clock += 5_000;
    await copy({ text: 'something else' });
    clock += 5_000;
    const again = await copy({ text: 'the same words' });
    expect(again).toMatchObject({ type: 'recorded', clipId: first.clipId, folded: true });
    expect(clips()).toHaveLength(2);
    expect(library.get(first.clipId).importedAt).toBe(clock);
    const byImport = library.query({ orderBy: 'imported', direction: 'desc', limit: 10 }).items.map((clip) => clip.text);
    expect(byImport).toEqual(['the same words', 'something else']);
  });

  it('folds against the library too: a copy of content kept before this monitor started', async () => {
    const first = (await copy({ image: { encoding: 'rgba', width: 8, height: 8, bytes: rgba(8, 8, [9, 9, 9]) } })) as Extract<ClipboardEvent, { type: 'recorded' }>;
    await monitor.stop();
    monitor = newMonitor();
    await monitor.start();
    clock += 1_000;
    const again = await copy({ image: { encoding: 'rgba', width: 8, height: 8, bytes: rgba(8, 8, [9, 9, 9]) } });
    expect(again).toMatchObject({ type: 'recorded', clipId: first.clipId, folded: true });
    expect(clips()).toHaveLength(1);
  });

  it('a repeat of a clip since put in the trash makes a new clip', async () => {
    const first = (await copy({ text: 'thrown away' })) as Extract<ClipboardEvent, { type: 'recorded' }>;
    await library.changeClip(first.clipId, 'trash', (entry) => {
      entry.deletedAt = clock;
    });
    const again = await copy({ text: 'thrown away' });
    expect(again).toMatchObject({ type: 'recorded', folded: false });
    expect((again as { clipId: string }).clipId).not.toBe(first.clipId);
  });
});
