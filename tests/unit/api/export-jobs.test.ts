import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type ExportProgress } from '../../../contract/api.js';
import { ExportJobs } from '../../../main/api/export-jobs.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { tempDir } from '../../helpers/temp.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function read(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function finished(events: ExportProgress[], jobId: string): Promise<ExportProgress> {
  const last = () => events.find((event) => event.jobId === jobId && event.finished);
  await expect.poll(() => last() !== undefined, { timeout: 10_000 }).toBe(true);
  return last()!;
}

describe('export jobs', () => {
  it('exports a clip with progress events, then serves the file for download', async () => {
    core = await createTestCore();
    const { clipId } = await core.api.importText({ text: 'exported words', title: 'Note' });
    const events: ExportProgress[] = [];
    core.api.onEvent((event) => {
      if (event.type === 'export-progress') events.push(event.progress);
    });
    const { jobId } = await core.api.exportClip({ id: clipId, format: 'txt' });
    const done = await finished(events, jobId);
    expect(done).toMatchObject({ error: null, cancelled: false, fraction: 1, fileName: expect.stringMatching(/\.txt$/) });
    expect(events[0]).toMatchObject({ jobId, finished: false, fraction: 0 });
    const file = await core.service.openExport(jobId);
    expect(await read(await file.open())).toBe('exported words');
    expect(file.mime).toMatch(/^text\/plain/);
  });

  it('refuses a format the kind cannot take, and unknown or malformed jobs, in words', async () => {
    core = await createTestCore();
    const { clipId } = await core.api.importText({ text: 'just text' });
    const events: ExportProgress[] = [];
    core.api.onEvent((event) => {
      if (event.type === 'export-progress') events.push(event.progress);
    });
    const { jobId } = await core.api.exportClip({ id: clipId, format: 'gif' });
    const done = await finished(events, jobId);
    expect(done.error).toMatch(/text clip exports as txt, original/);
    await expect(core.service.openExport(jobId)).rejects.toMatchObject({ code: 'not-found' });
    await expect(core.api.exportClip({ id: clipId, format: 'exe' as 'gif' })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(core.api.cancelExport({ jobId: 'f'.repeat(32) })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('cancels a running export and leaves no file behind', async () => {
    const reported: ExportProgress[] = [];
    const jobs = new ExportJobs((progress) => reported.push(progress));
    let folder = '';
    const { jobId } = jobs.start('slow export', async ({ folder: jobFolder, signal, report }) => {
      folder = jobFolder;
      await fs.writeFile(`${jobFolder}/part`, 'half');
      report(0.5, 'halfway');
      await new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));
      return { path: `${jobFolder}/part`, mime: 'text/plain', fileName: 'part.txt' };
    });
    await expect.poll(() => folder).not.toBe('');
    jobs.cancel(jobId);
    await expect.poll(() => reported.at(-1)?.finished).toBe(true);
    expect(reported.at(-1)).toMatchObject({ cancelled: true, error: null, fileName: null });
    await expect(fs.stat(folder)).rejects.toThrow();
    await expect(jobs.open(jobId)).rejects.toBeInstanceOf(ApiError);
    await jobs.stopAll();
  });

  it('overwrites a finished export before removing it: another link to the file reads zeros', async () => {
    const jobs = new ExportJobs(() => undefined);
    const elsewhere = path.join(await tempDir(), 'link');
    const { jobId } = jobs.start('export', async ({ folder }) => {
      await fs.writeFile(path.join(folder, 'clip.txt'), 'private words');
      // A second name for the same bytes, outside the job: what removal alone would leave readable.
      await fs.link(path.join(folder, 'clip.txt'), elsewhere);
      return { path: path.join(folder, 'clip.txt'), mime: 'text/plain', fileName: 'clip.txt' };
    });
    await expect.poll(async () => (await jobs.open(jobId).catch(() => null)) !== null).toBe(true);
    expect(await fs.readFile(elsewhere, 'utf8')).toBe('private words');
    await jobs.stopAll();
    expect(await fs.readFile(elsewhere)).toEqual(Buffer.alloc('private words'.length));
  });
});
