// Clip detail documents in the core: one per clip, created the same on every device, edited by
// windows through their own Repo, and rendered into the clip's entry (what the grid and search see).
import * as Automerge from '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readClipDetails, type ClipDetailDoc } from '../../../contract/clip-details.js';
import { toAnnotationDoc } from '../../../contract/edits/annotations.js';
import { genesisDetail } from '../../../main/library/documents/detail-documents.js';
import { exportRendered } from '../../../main/library/export/export-rendered.js';
import { importFiles, importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { verifyLibrary } from '../../../main/library/operations/verify.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { writePng } from '../../helpers/fixtures.js';
import { tempDir } from '../../helpers/temp.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function textClipId(library: Library, text: string): Promise<string> {
  const event = await importText(library, text, { title: 'a note' });
  if (event.type !== 'imported') throw new Error(`not imported: ${JSON.stringify(event)}`);
  return event.id;
}

describe('a clip detail document', () => {
  it('starts byte for byte the same on every device, so two created offline merge into one', () => {
    const seed = { text: 'shared start' };
    const a = genesisDetail('0123456789abcdefghjkmnpqrs', seed);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(genesisDetail('0123456789abcdefghjkmnpqrs', seed)))).toBe(0);
    // Two devices type into their own copies, then merge: both edits are kept, the text once.
    let left = Automerge.load<ClipDetailDoc>(a);
    let right = Automerge.load<ClipDetailDoc>(a);
    left = Automerge.change(left, (doc) => Automerge.splice(doc, ['text'], 0, 0, 'LEFT '));
    right = Automerge.change(right, (doc) => Automerge.splice(doc, ['text'], 'shared start'.length, 0, ' RIGHT'));
    const merged = Automerge.merge(left, right);
    expect(merged.text).toBe('LEFT shared start RIGHT');
  });

  it('reads what it can and says what it cannot: a bad annotation does not hide the good ones', () => {
    let doc = Automerge.load<ClipDetailDoc>(genesisDetail('0123456789abcdefghjkmnpqrs', { text: '' }));
    doc = Automerge.change(doc, (d) => {
      d.image.annotations.good = toAnnotationDoc({ id: 'good', kind: 'rect', z: 1, createdAt: 1, color: '#ff0000', x: 1, y: 2, w: 30, h: 40, width: 3, fill: null });
      (d.image.annotations as Record<string, unknown>).bad = { id: 'bad', kind: 'hologram', z: 2 };
      d.image.rotation = 45;
    });
    const read = readClipDetails(doc, '0123456789abcdefghjkmnpqrs');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.details.image.annotations.map((a) => a.id)).toEqual(['good']);
    expect(read.details.image.rotation).toBe(0);
    expect(read.details.problems.join('\n')).toMatch(/annotation bad: .*kind/);
    expect(read.details.problems.join('\n')).toMatch(/rotation 45/);
    expect(readClipDetails(doc, 'zzzzzzzzzzzzzzzzzzzzzzzzzz')).toMatchObject({ ok: false, reason: expect.stringMatching(/belongs to clip/) });
    expect(readClipDetails({ ...doc, schema: 99 }, '0123456789abcdefghjkmnpqrs')).toMatchObject({ ok: false, reason: expect.stringMatching(/newer ClipShot/) });
  });
});

describe('editing a text clip from a window', () => {
  async function openInWindow(testCore: TestCore, clipId: string): Promise<DocHandle<ClipDetailDoc>> {
    const opened = await testCore.documents.open(clipId);
    await opened.detail.whenReady();
    return opened.detail;
  }

  it('renders the edited text into the clip: the grid and search see it, export writes it, the original stays', async () => {
    core = await createTestCore();
    const { library } = core;
    const id = await textClipId(library, 'The first draft of the note');
    const detail = await openInWindow(core, id);
    expect(detail.doc()?.text).toBe('The first draft of the note');
    detail.change((doc) => Automerge.splice(doc, ['text'], 4, 5, 'second'), { message: `text ${id}` });
    await expect.poll(() => library.get(id).text, { timeout: 10_000 }).toBe('The second draft of the note');
    expect(library.get(id).edited).toMatchObject({ summary: 'text edited' });
    expect(library.query({ text: 'second draft' }).items.map((clip) => clip.id)).toEqual([id]);
    expect(library.query({ text: 'first' }).items).toEqual([]);

    const out = await tempDir();
    await exportRendered(library, id, path.join(out, 'edited.txt'));
    expect(await fs.readFile(path.join(out, 'edited.txt'), 'utf8')).toBe('The second draft of the note');
    await exportRendered(library, id, path.join(out, 'original.txt'), { format: 'original' });
    expect(await fs.readFile(path.join(out, 'original.txt'), 'utf8')).toBe('The first draft of the note');
    expect((await verifyLibrary(library)).ok).toBe(true);

    // Typed back to the original: the clip is unedited again.
    detail.change((doc) => Automerge.updateText(doc, ['text'], 'The first draft of the note'), { message: `text ${id}` });
    await expect.poll(() => library.get(id).edited, { timeout: 10_000 }).toBeNull();
    expect(library.get(id).text).toBe('The first draft of the note');
  });

  it('merges what two windows type at once', async () => {
    core = await createTestCore();
    const id = await textClipId(core.library, 'middle');
    const left = await openInWindow(core, id);
    const other = core.openWindow();
    const opened = await other.documents.open(id);
    await opened.detail.whenReady();
    const right = opened.detail;
    left.change((doc) => Automerge.splice(doc, ['text'], 0, 0, 'start '));
    right.change((doc) => Automerge.splice(doc, ['text'], 'middle'.length, 0, ' end'));
    await expect.poll(() => left.doc()?.text, { timeout: 10_000 }).toBe('start middle end');
    await expect.poll(() => right.doc()?.text, { timeout: 10_000 }).toBe('start middle end');
    await expect.poll(() => core!.library.get(id).text, { timeout: 10_000 }).toBe('start middle end');
  });
});

describe('renderings of edits as blobs', () => {
  it('keeps one edited thumbnail per clip: a new rendering frees the old one, and verify finds nothing amiss', async () => {
    core = await createTestCore();
    const { library } = core;
    const file = await writePng(await tempDir(), 'shot.png', 5, { width: 120, height: 80 });
    const id = (await importFiles(library, [file])).imported[0]!.id;
    const box = (x: number) => toAnnotationDoc({ id: 'box', kind: 'box', z: 1, createdAt: 1, color: '#000000', x, y: 10, w: 30, h: 20 });
    await library.changeDetails(id, `annotate ${id}`, (doc) => {
      doc.image.annotations.box = box(10);
    });
    await library.settleEdits();
    const first = library.get(id).edited?.thumb;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    await library.changeDetails(id, `annotate ${id}`, (doc) => {
      doc.image.annotations.box = box(60);
    });
    await library.settleEdits();
    const second = library.get(id).edited?.thumb;
    expect(second).toMatch(/^[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
    expect(await library.blobs.has(first!)).toBe(false);
    const report = await verifyLibrary(library);
    expect(report).toMatchObject({ ok: true, unreferencedBlobs: 0 });
    expect(report.problems).toEqual([]);
  });
});
