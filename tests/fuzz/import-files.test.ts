// Fuzzing the importer with booby-trapped files: random bytes and real PNG, JPEG, WebP, GIF, text
// and Markdown files with their bytes mutated, under names that agree or disagree with the content.
// Each file must be imported or refused with a typed reason (never the catch-all 'error'), within
// a bounded time, and a refused file must leave the library exactly as it was.
import fs from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exifCaptureTime } from '../../main/library/import/exif-capture-time.js';
import type { RejectionCode } from '../../main/library/import/rejection.js';
import { importFiles } from '../../main/library/importer.js';
import type { Library } from '../../main/library/library.js';
import { createTestLibrary } from '../helpers/library.js';
import { tempDir } from '../helpers/temp.js';
import { noisyRaw } from '../unit/import/fixtures.js';
import { budget, failOnUnhandledRejections } from './fuzz-budget.js';
import { mutated } from './mutate.js';

failOnUnhandledRejections();

const REJECTION_CODES: readonly RejectionCode[] = ['empty', 'too-large', 'unreadable', 'unsupported', 'corrupt', 'too-many-pixels', 'not-a-file'];
/** Far above what one small file takes even on a loaded machine; past it the importer hangs. */
const FILE_DEADLINE_MS = 15_000;

interface Fixture {
  name: string;
  bytes: Uint8Array;
}

async function imageFixtures(): Promise<Fixture[]> {
  const width = 48;
  const height = 32;
  const image = () => sharp(noisyRaw(width, height), { raw: { width, height, channels: 3 } }).withExif({ IFD0: { DateTime: '2021:02:03 04:05:06', Copyright: 'fuzz' } });
  return [
    { name: 'shot.png', bytes: await image().png().toBuffer() },
    { name: 'photo.jpg', bytes: await image().jpeg().toBuffer() },
    { name: 'picture.webp', bytes: await image().webp().toBuffer() },
    { name: 'anim.gif', bytes: await image().gif().toBuffer() },
  ];
}

const TEXT_FIXTURES: Fixture[] = [
  { name: 'note.txt', bytes: Buffer.from('A note – with ünïcödé ✓\nand a second line\n') },
  { name: 'readme.md', bytes: Buffer.from('# Title\n\n* item\n\n```js\nlet x = 1;\n```\n') },
  { name: 'utf16.txt', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo wörld', 'utf16le')]) },
];

const NAMES = ['file', 'file.txt', 'file.md', 'file.png', 'file.jpg', 'file.jpeg', 'file.webp', 'file.gif', 'file.mp4', 'file.exe', 'file.PNG', '.hidden'];

describe('fuzzing the importer with hostile files', () => {
  let library: Library;
  let dir: string;
  let fixtures: Fixture[];
  let serial = 0;
  const outcomes = { imported: 0, refused: 0 };

  beforeAll(async () => {
    ({ library } = await createTestLibrary());
    dir = await tempDir();
    fixtures = [...(await imageFixtures()), ...TEXT_FIXTURES];
  });

  afterAll(async () => {
    // Both outcomes were reached: the mutations are neither all harmless nor all fatal.
    expect(outcomes.imported).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    await library.close();
  });

  /** Imports one file and checks the outcome against the library before and after. */
  async function importOne(name: string, bytes: Uint8Array): Promise<void> {
    const file = path.join(dir, `${serial++}`, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
    const before = library.query({ limit: 1000 }).items;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`importing ${name} (${bytes.length} bytes) hung`)), FILE_DEADLINE_MS)));
    const report = await Promise.race([importFiles(library, [file]), deadline]).finally(() => clearTimeout(timer));
    const after = library.query({ limit: 1000 }).items;
    expect(report.failed.length + report.imported.length + report.duplicates.length).toBe(1);
    for (const failed of report.failed) {
      expect(REJECTION_CODES, `${name}: ${failed.code} ${failed.reason}`).toContain(failed.code);
      expect(failed.reason.length).toBeGreaterThan(0);
    }
    outcomes[report.imported.length > 0 ? 'imported' : 'refused']++;
    if (report.imported.length === 0) expect(after).toEqual(before);
    else expect(after.length).toBe(before.length + 1);
  }

  it('imports or refuses each mutated real file with a typed reason, leaving the library unchanged on refusal', async () => {
    const fixture = fc.nat().chain((i) => {
      const chosen = fixtures[i % fixtures.length]!;
      return fc.record({ name: fc.oneof({ weight: 3, arbitrary: fc.constant(chosen.name) }, { weight: 1, arbitrary: fc.constantFrom(...NAMES) }), bytes: mutated(chosen.bytes) });
    });
    await fc.assert(
      fc.asyncProperty(fixture, ({ name, bytes }) => importOne(name, bytes)),
      budget(300),
    );
  });

  it('refuses or imports random bytes under any name the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NAMES), fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.string().map((text) => Buffer.from(text))), (name, bytes) => importOne(name, bytes)),
      budget(150),
    );
  });
});

describe('fuzzing the EXIF reader (exifr)', () => {
  it('answers any mutated EXIF block with a time or null, never a throw', async () => {
    const width = 8;
    const height = 8;
    const { exif } = await sharp(await sharp(noisyRaw(width, height), { raw: { width, height, channels: 3 } }).withExif({ IFD0: { DateTime: '2021:02:03 04:05:06' } }).jpeg().toBuffer()).metadata();
    expect(exif).toBeDefined();
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(exif!), fc.uint8Array({ maxLength: 200 })), async (bytes) => {
        const time = await exifCaptureTime(Buffer.from(bytes));
        expect(time === null || Number.isFinite(time)).toBe(true);
      }),
      budget(1500),
    );
  });
});
