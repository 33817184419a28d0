// A lost laptop: everything the library keeps on disk is read byte by byte, while it is open and
// after it is closed, and none of what the person put in it (text, title, notes, tags, the edited
// text, the picture's bytes) is found in the clear.
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { importFiles, importText } from '../../main/library/importer.js';
import { changeClipTags, editClipFields } from '../../main/library/operations/clip-edits.js';
import { writePng } from '../helpers/fixtures.js';
import { createTestLibrary } from '../helpers/library.js';
import { tempDir } from '../helpers/temp.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** The files (relative to `dir`) holding any of `needles`, with which. */
async function findInFiles(dir: string, needles: Map<string, Buffer>): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await fs.readFile(file);
    for (const [name, needle] of needles) if (bytes.includes(needle)) found.push(`${path.relative(dir, file)}: ${name}`);
  }
  return found;
}

it('keeps no clip content in the clear in any file of the library, open or closed', async () => {
  const { library, dir } = await createTestLibrary();
  const marker = (what: string) => `${what}-zq${Math.random().toString(36).slice(2, 10)}`;
  const secrets = { text: marker('bank-password'), title: marker('title'), notes: marker('notes'), tag: marker('tag'), edited: marker('edited') };
  const imported = await importText(library, `my ${secrets.text} is here`, { title: secrets.title });
  if (imported.type !== 'imported') throw new Error(`not imported: ${JSON.stringify(imported)}`);
  await editClipFields(library, imported.id, { notes: `see ${secrets.notes}` });
  await changeClipTags(library, imported.id, { add: [secrets.tag] });
  await library.changeDetails(imported.id, `text ${imported.id}`, (doc) => {
    doc.text = `${doc.text} and ${secrets.edited}`;
  });
  const picture = await writePng(await tempDir(), 'statement.png', 9, { width: 64, height: 48 });
  await importFiles(library, [picture]);
  const pictureBytes = await fs.readFile(picture);

  const needles = new Map<string, Buffer>(Object.entries(secrets).map(([name, value]) => [name, Buffer.from(value, 'utf8')]));
  // Any 24 bytes from the middle of the picture's data would do; a run of the file's own will.
  needles.set('picture bytes', pictureBytes.subarray(pictureBytes.length - 48, pictureBytes.length - 24));
  needles.set('PNG signature', pictureBytes.subarray(0, 8));

  // The test can fail: the same search finds the text in a plain copy.
  await fs.writeFile(path.join(dir, 'plain-copy.txt'), `my ${secrets.text} is here`);
  expect(await findInFiles(dir, needles)).toEqual(['plain-copy.txt: text']);
  await fs.rm(path.join(dir, 'plain-copy.txt'));

  await library.settleEdits();
  expect(await findInFiles(dir, needles)).toEqual([]);
  await library.close();
  expect(await findInFiles(dir, needles)).toEqual([]);
});
