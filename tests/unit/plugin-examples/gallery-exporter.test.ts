// The gallery exporter against a real library: the clips' real thumbnails (WebP, made by the
// import) inlined, and every piece of clip text, however hostile, shown as the same text and
// never as markup, in the HTML page and in the Markdown file.
import MarkdownIt from 'markdown-it';
import { Window, type HTMLElement } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ExportedFile, PluginManifest, PluginModule } from '../../../contract/plugins.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { changeClipTags, editClipFields } from '../../../main/library/operations/clip-edits.js';
import { loadExample } from '../../helpers/example-plugins.js';
import { writePng } from '../../helpers/fixtures.js';
import { createInProcessHost, type InProcessHost } from '../../helpers/in-process-plugin-host.js';
import { createTestLibrary } from '../../helpers/library.js';
import { tempDir } from '../../helpers/temp.js';

const HOSTILE_TITLE = '<script>alert("title")</script> & "quotes" \'single\'';
const HOSTILE_NOTES = '"><img src=x onerror=alert(1)>\n[click](javascript:alert(2)) **bold** <b>b</b>';
const HOSTILE_TAG = '<i onmouseover=alert(3)>tag</i>';
const HOSTILE_TEXT = '</pre><script>alert(4)</script>\n```\nnot code\n````\n# not a heading\n<!-- comment -->';

let library: Library;
let plugin: { manifest: PluginManifest; module: PluginModule };
let imageId: string;

beforeEach(async () => {
  ({ library } = await createTestLibrary());
  plugin = await loadExample('gallery-exporter');
  const dir = await tempDir();
  const report = await importFiles(library, [await writePng(dir, 'shot.png', 7, { width: 96, height: 64 })]);
  imageId = report.imported[0]!.id;
  await editClipFields(library, imageId, { title: HOSTILE_TITLE, notes: HOSTILE_NOTES });
  await changeClipTags(library, imageId, { add: [HOSTILE_TAG, 'plain'] });
  const text = await importText(library, HOSTILE_TEXT, { title: '# Heading? [link](http://example.com) `code`' });
  if (text.type !== 'imported') throw new Error('the text was not imported');
});

afterEach(async () => {
  await library.close();
});

async function exportWith(host: InProcessHost, exporter: string): Promise<ExportedFile> {
  const { clips } = await host.api.clips.list();
  return plugin.module.exporters![exporter]!({ clips: [...clips].sort((a, b) => a.kind.localeCompare(b.kind)) }, host.api);
}

function parse(html: string) {
  const window = new Window();
  window.document.write(html);
  return window.document;
}

describe('the HTML gallery', () => {
  test('inlines each image clip’s real thumbnail and shows every text exactly as written', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    const file = await exportWith(host, 'clipshot.gallery-exporter.html');
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

    expect(text.querySelector('h2')?.textContent).toBe('# Heading? [link](http://example.com) `code`');
    expect(text.querySelector('pre')?.textContent).toBe(HOSTILE_TEXT);
    expect(text.querySelector('img')).toBeNull();
    expect(document.querySelector('header p')?.textContent).toMatch(/^2 clips, exported \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(host.calls.map((call) => call.method)).toEqual(['clips.list', 'blobs.read']);
    expect(host.logs.map((entry) => entry.message)).toEqual(['exported 2 clips as HTML (1 thumbnails inlined)']);
  });

  test('without blobs:read the gallery is still made, without pictures, and the refusal is logged', async () => {
    const host = createInProcessHost(library, { ...plugin.manifest, permissions: ['clips:read'] });
    const document = parse((await exportWith(host, 'clipshot.gallery-exporter.html')).content as string);
    expect(document.querySelectorAll('figure')).toHaveLength(2);
    expect(document.querySelectorAll('img')).toHaveLength(0);
    expect(host.calls).toContainEqual({ method: 'blobs.read', allowed: false });
    expect(host.logs.find((entry) => entry.level === 'warn')?.message).toBe(`could not read the thumbnail of ${imageId}: clipshot.gallery-exporter has no permission blobs:read for blobs.read`);
  });

  test('with no clips, says so', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    const document = parse((await plugin.module.exporters!['clipshot.gallery-exporter.html']!({ clips: [] }, host.api)).content as string);
    expect(document.querySelector('main')?.textContent?.trim()).toBe('No clips were chosen.');
  });
});

describe('the Markdown gallery', () => {
  test('renders every text as the same text, the text clip as a code block, and the thumbnail inline', async () => {
    const host = createInProcessHost(library, plugin.manifest);
    const file = await exportWith(host, 'clipshot.gallery-exporter.markdown');
    expect(file.fileName).toBe('clipshot-gallery.md');
    // Rendered as a Markdown viewer that allows raw HTML would: none may come through.
    const document = parse(`<body>${new MarkdownIt({ html: true, linkify: false }).render(file.content as string)}</body>`);
    expect(document.querySelectorAll('script, a, b, i, strong')).toHaveLength(0);
    // The one emphasis is each clip's line of facts.
    expect([...document.querySelectorAll('em')].map((line) => line.textContent)).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC · image · 96×64$/), expect.stringMatching(/ UTC · text$/)]);
    expect([...document.querySelectorAll('h1, h2')].map((heading) => heading.textContent)).toEqual(['ClipShot gallery', HOSTILE_TITLE, '# Heading? [link](http://example.com) `code`']);
    const images = [...document.querySelectorAll('img')];
    expect(images.map((image) => image.getAttribute('alt'))).toEqual(['Thumbnail']);
    expect(images[0]!.getAttribute('src')).toMatch(/^data:image\/webp;base64,/);
    expect(document.querySelector('pre code')?.textContent).toBe(`${HOSTILE_TEXT}\n`);
    // Notes keep their words; their line break becomes a space.
    expect(document.body.textContent).toContain(HOSTILE_NOTES.replace('\n', ' '));
    expect(document.body.textContent).toContain(`Tags: ${[...library.get(imageId).tags].join(', ')}`);
  });
});
