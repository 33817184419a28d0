// The gallery exporter as a person runs it: installed by the store, run by the real host in its
// own process, against a real library. The clips' real thumbnails (WebP, made by the import) are
// inlined, and every piece of clip text, however hostile, comes out as the same text and never as
// markup, in the HTML page and in the Markdown file.
import path from 'node:path';
import MarkdownIt from 'markdown-it';
import { Window, type HTMLElement } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ExportedFile, PluginClip } from '../../../contract/plugins.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { changeClipTags, editClipFields } from '../../../main/library/operations/clip-edits.js';
import { libraryAccessOver } from '../../../main/plugins/host/library-access-over-library.js';
import type { PluginDescriptor } from '../../../main/plugins/host/plugin-host.js';
import { installExample, pluginMessages, refusals, runExample, type ExampleRun } from '../../helpers/example-plugin-host.js';
import { PLUGINS_DIR } from '../../helpers/example-plugins.js';
import { writePng } from '../../helpers/fixtures.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';

const HTML = 'clipshot.gallery-exporter.html';
const MARKDOWN = 'clipshot.gallery-exporter.markdown';
const HOSTILE_TITLE = '<script>alert("title")</script> & "quotes" \'single\'';
const HOSTILE_NOTES = '"><img src=x onerror=alert(1)>\n[click](javascript:alert(2)) **bold** <b>b</b>';
const HOSTILE_TAG = '<i onmouseover=alert(3)>tag</i>';
const HOSTILE_TEXT = '</pre><script>alert(4)</script>\n```\nnot code\n````\n# not a heading\n<!-- comment -->';
const TEXT_TITLE = '# Heading? [link](http://example.com) `code`';

let library: Library;
let installed: PluginDescriptor;
let imageId: string;
/** The clips as the app hands them to an exporter: the plugin's view of them, image first. */
let clips: PluginClip[];
const runs: ExampleRun[] = [];

beforeEach(async () => {
  ({ library } = await createTestLibrary());
  installed = await installExample(path.join(PLUGINS_DIR, 'gallery-exporter'));
  const report = await importFiles(library, [await writePng(await tempDir(), 'shot.png', 7, { width: 96, height: 64 })]);
  imageId = report.imported[0]!.id;
  await editClipFields(library, imageId, { title: HOSTILE_TITLE, notes: HOSTILE_NOTES });
  await changeClipTags(library, imageId, { add: [HOSTILE_TAG, 'plain'] });
  const text = await importText(library, HOSTILE_TEXT, { title: TEXT_TITLE });
  if (text.type !== 'imported') throw new Error('the text was not imported');
  const access = libraryAccessOver(library);
  clips = [await access.get(imageId), await access.get(text.id)];
});

afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.host.close()));
  await library.close();
});

function start(granted?: PluginDescriptor['permissions']): ExampleRun {
  const run = runExample(installed, library, granted ? { granted } : {});
  runs.push(run);
  return run;
}

async function exportWith(run: ExampleRun, exporter: string, chosen = clips): Promise<ExportedFile> {
  return (await run.host.invoke('exporters', exporter, { clips: chosen })) as ExportedFile;
}

function parse(html: string) {
  const window = new Window();
  window.document.write(html);
  return window.document;
}

describe('the HTML gallery', () => {
  test('inlines each image clip’s real thumbnail and shows every text exactly as written', async () => {
    const run = start();
    const file = await exportWith(run, HTML);
    expect(run.host.pid(installed.manifest.id)).not.toBe(process.pid);
    expect(file.fileName).toBe('clipshot-gallery.html');
    const document = parse(file.content as string);

    expect(document.querySelectorAll('script')).toHaveLength(0);
    const handlers = [...document.querySelectorAll('*')].flatMap((element) => [...element.attributes].map((attribute) => attribute.name)).filter((name) => name.startsWith('on'));
    expect(handlers).toEqual([]);
    expect(document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toMatch(/^default-src 'none'; img-src data:;/);

    const figures = [...document.querySelectorAll('figure')];
    expect(figures.map((figure) => figure.dataset.kind)).toEqual(['image', 'text']);
    const [image, text] = figures as [HTMLElement, HTMLElement];
    expect(image.querySelector('h2')?.textContent).toBe(HOSTILE_TITLE);
    expect(image.querySelector('.notes')?.textContent).toBe(HOSTILE_NOTES);
    expect([...image.querySelectorAll('.tags li')].map((tag) => tag.textContent).sort()).toEqual([HOSTILE_TAG, 'plain'].sort());
    const img = image.querySelector('img')!;
    expect(img.getAttribute('alt')).toBe(HOSTILE_TITLE);
    expect([img.getAttribute('width'), img.getAttribute('height')]).toEqual(['96', '64']);
    const thumb = library.get(imageId).media!.thumb!;
    const [, mime, base64] = /^data:(image\/[a-z]+);base64,(.+)$/.exec(img.getAttribute('src')!)!;
    expect(mime).toBe('image/webp');
    expect(Buffer.from(base64!, 'base64').equals(await library.blobs.readAll(thumb))).toBe(true);

    expect(text.querySelector('h2')?.textContent).toBe(TEXT_TITLE);
    expect(text.querySelector('pre')?.textContent).toBe(HOSTILE_TEXT);
    expect(text.querySelector('img')).toBeNull();
    expect(document.querySelector('header p')?.textContent).toMatch(/^2 clips, exported \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    // The clips came with the invocation; the one thing it asked the host for is the thumbnail.
    expect(run.served).toEqual(['blobs.read']);
    expect(pluginMessages(run)).toEqual(['exported 2 clips as HTML (1 thumbnails inlined)']);
    expect(refusals(run)).toEqual([]);
  });

  test('without blobs:read the gallery is still made, without pictures; the host refuses the thumbnail and the plugin logs it', async () => {
    const run = start([]);
    const document = parse((await exportWith(run, HTML)).content as string);
    expect(document.querySelectorAll('figure')).toHaveLength(2);
    expect(document.querySelectorAll('img')).toHaveLength(0);
    expect(run.served).toEqual([]);
    expect(refusals(run)).toEqual(['blobs.read: blobs.read needs the "blobs:read" permission, which the plugin was not granted']);
    expect(pluginMessages(run, 'warn')).toEqual([`could not read the thumbnail of ${imageId}: blobs.read: blobs.read needs the "blobs:read" permission, which the plugin was not granted`]);
  });

  test('a thumbnail no clip refers to is not the host’s to give: not-found, logged, and the gallery made without it', async () => {
    const run = start();
    const forged = { ...clips[0]!, thumb: 'f'.repeat(64) };
    const document = parse((await exportWith(run, HTML, [forged])).content as string);
    expect(document.querySelectorAll('img')).toHaveLength(0);
    expect(pluginMessages(run, 'warn')).toEqual([`could not read the thumbnail of ${imageId}: blobs.read: no clip refers to blob ${'f'.repeat(64)}`]);
  });

  test('with no clips, says so', async () => {
    const document = parse((await exportWith(start(), HTML, [])).content as string);
    expect(document.querySelector('main')?.textContent?.trim()).toBe('No clips were chosen.');
  });
});

describe('the Markdown gallery', () => {
  test('renders every text as the same text, the text clip as a code block, and the thumbnail inline', async () => {
    const run = start();
    const file = await exportWith(run, MARKDOWN);
    expect(file.fileName).toBe('clipshot-gallery.md');
    // Rendered as a Markdown viewer that allows raw HTML would: none may come through.
    const document = parse(`<body>${new MarkdownIt({ html: true, linkify: false }).render(file.content as string)}</body>`);
    expect(document.querySelectorAll('script, a, b, i, strong')).toHaveLength(0);
    // The one emphasis is each clip's line of facts.
    expect([...document.querySelectorAll('em')].map((line) => line.textContent)).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC · image · 96×64$/), expect.stringMatching(/ UTC · text$/)]);
    expect([...document.querySelectorAll('h1, h2')].map((heading) => heading.textContent)).toEqual(['ClipShot gallery', HOSTILE_TITLE, TEXT_TITLE]);
    const images = [...document.querySelectorAll('img')];
    expect(images.map((image) => image.getAttribute('alt'))).toEqual(['Thumbnail']);
    const thumb = await library.blobs.readAll(library.get(imageId).media!.thumb!);
    expect(images[0]!.getAttribute('src')).toBe(`data:image/webp;base64,${thumb.toString('base64')}`);
    expect(document.querySelector('pre code')?.textContent).toBe(`${HOSTILE_TEXT}\n`);
    // Notes keep their words; their line break becomes a space.
    expect(document.body.textContent).toContain(HOSTILE_NOTES.replace('\n', ' '));
    expect(document.body.textContent).toContain(`Tags: ${[...library.get(imageId).tags].join(', ')}`);
    expect(pluginMessages(run)).toEqual(['exported 2 clips as Markdown (1 thumbnails inlined)']);
  });

  test('both exporters are served by one process, started on the first export', async () => {
    const run = start();
    expect(run.launches()).toBe(0);
    await exportWith(run, HTML);
    const pid = run.host.pid(installed.manifest.id);
    await exportWith(run, MARKDOWN);
    expect(run.host.pid(installed.manifest.id)).toBe(pid);
    expect(run.launches()).toBe(1);
  });
});
