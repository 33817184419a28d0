// Background analysis with the real worker process and the real OCR models: what it finds becomes
// searchable, a crash of the worker costs only the clip that caused it, failures are bounded and
// explained, and the queue outlives the process.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { installedAnalysisModels } from '../../main/ai/analysis/analysis-models.js';
import type { AnalysisService } from '../../main/ai/analysis/analysis-service.js';
import { ModelStore } from '../../main/ai/models/model-store.js';
import { startAnalysis } from '../../main/ai/analysis/start-analysis.js';
import { enabledRemoteTaggers } from '../../main/ai/providers/enabled-taggers.js';
import { createProviderRegistry } from '../../main/ai/providers/provider-registry.js';
import { MemoryProviderSettingsStore } from '../../main/ai/providers/provider-settings-store.js';
import { ForkLauncher } from '../../main/ai/worker/fork-launcher.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { startFakeOpenAi } from '../helpers/fake-ai-apis.js';
import { ffmpegPath } from '../../main/library/import/ffmpeg.js';
import { importFiles } from '../../main/library/importer.js';
import { detailChangeMessage } from '../../contract/clip-details.js';
import { Library } from '../../main/library/library.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { createTestLibrary } from '../helpers/library.js';
import { renderTextLines } from '../helpers/ocr-images.js';
import { tempDir } from '../helpers/temp.js';
import { writeTinyClipModel } from '../helpers/tiny-onnx.js';

/** The built worker: `npm test` builds before it runs the tests. */
const WORKER = path.join(REPO_ROOT, 'out', 'main', 'ai', 'worker', 'analysis-worker.js');

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function screenshots(dir: string, texts: Record<string, string>): Promise<string> {
  const folder = path.join(dir, 'shots');
  await fs.mkdir(folder, { recursive: true });
  for (const [name, text] of Object.entries(texts)) {
    const { image } = await renderTextLines([text], { width: 900, fontSize: 30 });
    await fs.writeFile(path.join(folder, `${name}.png`), image.encoded.bytes);
  }
  return folder;
}

async function importShots(library: Library, dir: string, texts: Record<string, string>): Promise<Record<string, string>> {
  const report = await importFiles(library, [await screenshots(dir, texts)]);
  return Object.fromEntries(report.imported.map((event) => [path.basename(event.path, '.png'), event.id]));
}

async function start(library: Library, options: Parameters<typeof startAnalysis>[1] = {}): Promise<AnalysisService> {
  const service = await startAnalysis(library, { launcher: new ForkLauncher(WORKER), ...options });
  open.push(service);
  return service;
}

describe('background analysis', () => {
  it('makes imported screenshots searchable by the text in them, with boxes and word spacing', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const analysis = await start(library);
    const ids = await importShots(library, dir, { error: 'Connection refused on port 8080', receipt: 'Total amount due today' });
    await analysis.settled();

    expect(library.query({ text: 'refused' }).items.map((clip) => clip.id)).toEqual([ids.error]);
    expect(library.query({ text: 'amount due' }).items.map((clip) => clip.id)).toEqual([ids.receipt]);
    expect(library.query({ hasText: true }).items).toHaveLength(2);
    const view = await analysis.clip(ids.error!);
    expect(view.status).toBe('done');
    expect(view.recognition!.text).toBe('Connection refused on port 8080');
    const [line] = view.recognition!.lines;
    expect(line!.confidence).toBeGreaterThan(0.8);
    // The box lies around the text: left margin 24 px, one line near the top of a 900 px wide picture.
    const xs = line!.box.map(([x]) => x);
    expect(Math.min(...xs)).toBeLessThan(60);
    expect(Math.max(...xs)).toBeLessThan(900);
    expect(library.get(ids.error!).analysis).toMatchObject({ text: 'Connection refused on port 8080', models: expect.stringMatching(/^pp-ocrv4@/) });
    expect(analysis.progress()).toMatchObject({ state: 'idle', queued: 0, analysed: 2, failed: 0, crashed: 0 });
  });

  it('reads text in a video clip’s frames, with the time each first shows, and leaves no copy behind', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const analysis = await start(library);
    const slides = ['Quarterly review agenda', 'Revenue grew by twelve percent'];
    const inputs: string[] = [];
    for (const [index, text] of slides.entries()) {
      const { image } = await renderTextLines([text], { fontSize: 32, width: 640, margin: 60 });
      const file = path.join(dir, `slide-${index}.png`);
      await fs.writeFile(file, image.encoded.bytes);
      inputs.push('-framerate', '10', '-loop', '1', '-t', '2.5', '-i', file);
    }
    const video = path.join(dir, 'talk.mp4');
    await promisify(execFile)(ffmpegPath(), [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...inputs],
      ...['-filter_complex', '[0:v]scale=640:160,setsar=1[a];[1:v]scale=640:160,setsar=1[b];[a][b]concat=n=2:v=1:a=0[out]', '-map', '[out]'],
      ...['-r', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video],
    ]);
    const temporaries = async () => (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith('clipshot-analysis-'));
    const before = await temporaries();
    const [imported] = (await importFiles(library, [video])).imported;
    await analysis.settled();

    const view = await analysis.clip(imported!.id);
    expect(view.frames.map((frame) => frame.text)).toEqual(slides);
    expect(view.frames[0]!.atMs).toBe(0);
    expect(view.frames[1]!.atMs).toBeGreaterThanOrEqual(2000);
    expect(view.frames[1]!.atMs).toBeLessThanOrEqual(3000);
    expect(library.query({ text: 'revenue' }).items.map((clip) => clip.id)).toEqual([imported!.id]);
    expect(await temporaries()).toEqual(before);
  });

  it('tags pictures with an installed CLIP model through transformers.js in the worker', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const files = await writeTinyClipModel(path.join(dir, 'clip-model'), { words: { terminal: [1, -1, -1], shell: [1, -1, -1] } });
    const clip = { dir: files.dir, model: { id: 'tiny-clip', version: '1' }, cacheDir: path.join(dir, 'prompt-cache') };
    const bundled = await installedAnalysisModels(new ModelStore({ dir: path.join(dir, 'models') }));
    const analysis = await start(library, { models: async () => ({ ...bundled, clip }) });
    const red = path.join(dir, 'red.png');
    await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(red);
    const [imported] = (await importFiles(library, [red])).imported;
    await analysis.settled();

    const entry = library.get(imported!.id).analysis!;
    expect(entry.models).toBe('pp-ocrv4@1.4.2+1 tiny-clip@1');
    // `terminal` from the picture, and `screenshot`, which the vocabulary says it implies.
    expect(entry.suggested.filter((tag) => tag.source === 'clip').map((tag) => tag.tag)).toEqual(expect.arrayContaining(['terminal', 'screenshot']));
    // A model the other way round would have suggested something else: the pixels decide.
    await fs.writeFile(red, await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toBuffer());
    const [blue] = (await importFiles(library, [red])).imported;
    await analysis.settled();
    expect(library.get(blue!.id).analysis!.suggested.filter((tag) => tag.source === 'clip').map((tag) => tag.tag)).not.toContain('terminal');
  });

  it('reads a picture again once it is cropped, and only what the crop keeps', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const analysis = await start(library);
    // Two lines, of which the crop keeps the first.
    const { image } = await renderTextLines(['Keep this line', 'Crop this line away'], { width: 900, fontSize: 30 });
    const both = path.join(dir, 'both.png');
    await fs.writeFile(both, image.encoded.bytes);
    const [imported] = (await importFiles(library, [both])).imported;
    await analysis.settled();
    expect(library.get(imported!.id).analysis!.text).toBe('Keep this line\nCrop this line away');

    await library.changeDetails(imported!.id, detailChangeMessage('crop', imported!.id), (doc) => {
      doc.image.crop = { x: 0, y: 0, w: image.width, h: Math.round(image.height / 2) };
    });
    await expect.poll(() => library.get(imported!.id).analysis!.text, { timeout: 30_000 }).toBe('Keep this line');
    expect(library.query({ text: 'away' }).items).toEqual([]);
  });

  it('runs the worker below the app in CPU priority, so the windows stay responsive', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    let priority: number | null = null;
    const analysis = await start(library, {
      host: {
        onLifecycle: (event) => {
          if (event.type === 'started' && event.pid !== undefined) setTimeout(() => (priority = os.getPriority(event.pid)), 200);
        },
      },
    });
    await importShots(library, dir, { one: 'Yielding to the app' });
    await analysis.settled();
    expect(priority).toBe(10);
  });

  it('contains a worker crash: the clip that crashed it is marked after two crashes, the others are analysed', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const started: number[] = [];
    let victim = '';
    let kills = 0;
    const analysis = await start(library, {
      host: {
        backoffMs: 50,
        onLifecycle: (event) => {
          if (event.type === 'started' && event.pid !== undefined) started.push(event.pid);
        },
        // A real crash: the worker is killed the moment it takes that clip.
        onStarted: (clipId) => {
          if (clipId !== victim) return;
          kills++;
          process.kill(started.at(-1)!, 'SIGKILL');
        },
      },
    });
    await analysis.pause();
    const ids = await importShots(library, dir, { one: 'First clip text', two: 'Second clip text', three: 'Third clip text' });
    victim = ids.two!;
    await analysis.resume();
    await analysis.settled();

    expect(kills).toBe(2);
    // Each crash ended a process; a new one took over.
    expect(new Set(started).size).toBe(started.length);
    expect(started.length).toBeGreaterThanOrEqual(2);
    const crashed = await analysis.clip(victim);
    expect(crashed).toMatchObject({ status: 'crashed', error: expect.stringContaining('analysis worker stopped') });
    expect((await analysis.clip(ids.one!)).status).toBe('done');
    expect((await analysis.clip(ids.three!)).status).toBe('done');
    expect(analysis.progress()).toMatchObject({ crashed: 1, queued: 0 });
    // Asked by the person, it is tried again (and now works).
    victim = '';
    await analysis.analyse({ ids: [ids.two!] });
    await analysis.settled();
    expect((await analysis.clip(ids.two!)).status).toBe('done');
    expect(started.length).toBeGreaterThanOrEqual(3);
  });

  it('tries a failing clip three times, keeps the reason, and goes on with the rest', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const analysis = await start(library);
    await analysis.pause();
    const ids = await importShots(library, dir, { lost: 'This original is gone', kept: 'This one is here' });
    await library.blobs.remove(library.get(ids.lost!).media!.blob);
    await analysis.resume();
    await analysis.settled();

    const failed = await analysis.clip(ids.lost!);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(3);
    expect(failed.error).toMatch(/\S/);
    expect((await analysis.clip(ids.kept!)).status).toBe('done');
    // A later edit of its title does not start it over.
    await library.changeClip(ids.lost!, 'edit', (entry) => Object.assign(entry, { title: entry.title }));
    await analysis.settled();
    expect((await analysis.clip(ids.lost!)).attempts).toBe(3);
  });

  it('keeps its queue and its pause across a restart', async () => {
    const parent = await tempDir();
    const created = await createTestLibrary(parent);
    let library = created.library;
    let analysis = await start(library);
    await analysis.pause();
    const ids = await importShots(library, parent, { first: 'Waiting in the queue', second: 'Also waiting here' });
    expect(analysis.progress()).toMatchObject({ state: 'paused', queued: 2 });
    await analysis.close();
    open.splice(open.indexOf(analysis), 1);
    await library.close();

    library = await Library.open(created.dir, { method: 'secret-store', store: created.store });
    open.push(library);
    analysis = await start(library);
    expect(analysis.progress()).toMatchObject({ state: 'paused', queued: 2 });
    await analysis.resume();
    await analysis.settled();
    expect(library.query({ text: 'waiting' }).items.map((clip) => clip.id).sort()).toEqual([ids.first, ids.second].sort());
  });

  it('adds tags from a remote provider only once it is turned on, and sends it only the picture', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const api = await startFakeOpenAi({ apiKey: 'sk-test-remote-key-0001', answer: () => '{"tags": ["error message", "networking"]}' });
    open.push(api);
    const registry = createProviderRegistry({ settings: new MemoryProviderSettingsStore(), secrets: new MemorySecretStore() });
    const analysis = await start(library, { remoteTaggers: enabledRemoteTaggers(registry) });
    const before = await importShots(library, dir, { first: 'Connection refused on port 8080' });
    await analysis.settled();
    expect(api.requests).toHaveLength(0);
    expect(library.get(before.first!).analysis!.suggested.map((tag) => tag.source)).not.toContain('remote');

    await registry.enable('openai', { apiKey: 'sk-test-remote-key-0001', baseUrl: `${api.url}/v1`, consent: true });
    const after = await importShots(library, path.join(dir, 'later'), { second: 'Timeout while resolving the host' });
    await analysis.settled();
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.text).toContain('data:image/png;base64,');
    expect(library.get(after.second!).analysis!.suggested).toEqual(expect.arrayContaining([expect.objectContaining({ tag: 'networking', source: 'remote' })]));
  });

  it('cancels queued clips, and turned-down suggestions stay turned down', async () => {
    const { library, dir } = await createTestLibrary();
    open.push(library);
    const analysis = await start(library);
    await analysis.pause();
    const ids = await importShots(library, dir, {
      code: 'const total = items.reduce((sum, item) => sum + item.price, 0);',
      other: 'Nothing to see here',
    });
    expect(await analysis.cancel([ids.other!])).toEqual({ cancelled: 1 });
    await analysis.resume();
    await analysis.settled();
    expect((await analysis.clip(ids.other!)).status).toBe('none');

    const suggestions = (await analysis.clip(ids.code!)).suggestions;
    expect(suggestions.map((tag) => tag.tag)).toContain('code');
    await analysis.acceptSuggestion(ids.code!, 'code');
    expect(library.get(ids.code!).tags).toContain('code');
    const other = suggestions.find((tag) => tag.tag !== 'code');
    if (other) {
      await analysis.rejectSuggestion(ids.code!, other.tag);
      expect(library.get(ids.code!).analysis!.rejected).toContain(other.tag);
      expect((await analysis.clip(ids.code!)).suggestions.map((tag) => tag.tag)).not.toContain(other.tag);
    }
    // Analysed again, the clip keeps what the person decided.
    await analysis.analyse({ ids: [ids.code!] });
    await analysis.settled();
    expect((await analysis.clip(ids.code!)).suggestions.map((tag) => tag.tag)).not.toContain('code');
    if (other) expect(library.get(ids.code!).analysis!.rejected).toContain(other.tag);
  });
});
