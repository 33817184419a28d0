// Settings → Models against a real core and a real model store downloading from a real HTTP server
// on loopback: every catalog model shown with its facts and state; Install asks first (bytes and
// host) and downloads nothing until Download; progress, then installed, and analysis told; a
// checksum failure in words that installs nothing, with Retry; Cancel keeps the part and Resume
// finishes it; Remove asks and says it cannot be undone; import from a typed folder.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { press } from '../library/mount-library.js';
import { tempDir } from '../../helpers/temp.js';
import { waitForFileSize } from '../../unit/ai/model-test-server.js';
import { byTestId, focusedTestId, modelRow, openSettingsAt, text, typeInto, useAiSettingsHarness } from './ai-settings-harness.js';

const row = () => modelRow('test-clip');
const state = () => text('model-state', row());

async function openModels(): Promise<void> {
  await openSettingsAt('models', 'model-list');
}

/** Install… then the consent dialog, as a person clicks. */
async function askToInstall(): Promise<HTMLDialogElement> {
  byTestId('model-install', row())!.click();
  await expect.poll(() => byTestId('model-consent')).not.toBeNull();
  return byTestId<HTMLDialogElement>('model-consent')!;
}

describe('the Models panel', () => {
  const harness = useAiSettingsHarness();

  test('lists every catalog model with its task, version, licence, source, size and state, and the disk the models take', async () => {
    await openModels();
    const ocr = modelRow('pp-ocrv4');
    expect(text('model-title', ocr)).toMatch(/^PP-OCRv4 text detection and recognition/);
    expect(text('model-state', ocr)).toBe('Comes with ClipShot');
    expect(text('model-task', ocr)).toBe('Reads text in images');
    expect(text('model-licence', ocr)).toBe('Apache-2.0');
    expect(byTestId('model-install', ocr)).toBeNull();
    expect(byTestId('model-remove', ocr)).toBeNull();

    expect(text('model-title', row())).toBe('Test model test-clip');
    expect(state()).toBe('Not installed');
    expect(text('model-task', row())).toBe('Suggests tags');
    expect(text('model-version', row())).toBe('1');
    expect(text('model-licence', row())).toBe('MIT');
    expect(text('model-size', row())).toBe('255 KB');
    const source = byTestId<HTMLAnchorElement>('model-source', row())!;
    expect([source.href, source.target, source.rel]).toEqual(['https://models.example/', '_blank', 'noopener noreferrer']);
    expect(text('models-disk')).toBe('0 B');
    expect(text('models-dir')).toBe(harness.store.dir);
    expect(harness.server.requests).toEqual([]);
  });

  test('Install asks first, naming the bytes and the host; Cancel and Esc download nothing and give the keyboard back', async () => {
    await openModels();
    const dialog = await askToInstall();
    expect(dialog.open).toBe(true);
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Download Test model test-clip?');
    expect(text('model-consent-what')).toBe(`ClipShot will download 255 KB (${harness.size.toLocaleString('en')} bytes) in 3 files from ${harness.host}.`);
    expect(byTestId('model-consent-resume')).toBeNull();
    expect(focusedTestId()).toBe('model-consent-download');

    byTestId('model-consent-cancel')!.click();
    await expect.poll(() => byTestId('model-consent')).toBeNull();
    expect(focusedTestId()).toBe('model-install');

    await askToInstall();
    press('Escape', { target: byTestId('model-consent-download')! });
    await expect.poll(() => byTestId('model-consent')).toBeNull();
    expect(focusedTestId()).toBe('model-install');
    expect(harness.server.requests).toEqual([]);
    expect(state()).toBe('Not installed');
  });

  test('Download shows the progress, then the model installed; analysis is told', async () => {
    await openModels();
    await askToInstall();
    // Slow enough to watch: the large file arrives in pieces with a pause between.
    harness.served[harness.files[1]!.urlPath]!.cutAfter = [50_000, 50_000, 50_000];
    harness.served[harness.files[1]!.urlPath]!.beforeCut = () => new Promise((resolve) => setTimeout(resolve, 500));
    byTestId('model-consent-download')!.click();

    await expect.poll(() => byTestId('model-progress', row())).not.toBeNull();
    expect(state()).toBe('Downloading');
    expect(focusedTestId()).toBe('model-cancel');
    const bar = () => byTestId('model-progress', row())?.querySelector('progress');
    expect(bar()!.getAttribute('aria-label')).toBe('Downloading Test model test-clip');
    await expect.poll(() => Number(bar()?.getAttribute('value') ?? 0)).toBeGreaterThan(0);
    expect(Number(bar()!.getAttribute('max'))).toBe(harness.size);
    expect(text('model-progress-text', row())).toMatch(/^[\d.]+ (B|KB) of 255 KB/);
    await expect.poll(() => text('model-speed', row()) ?? '').toMatch(/^[\d.]+ (B|KB|MB)\/s$/);

    await expect.poll(state).toBe('Installed');
    expect(byTestId('model-progress', row())).toBeNull();
    expect(byTestId('model-install', row())).toBeNull();
    expect(text('model-remove', row())).toBe('Remove…');
    expect(await harness.store.resolve('test-clip')).toBe(path.join(harness.store.dir, 'test-clip', '1'));
    await expect.poll(() => harness.modelsChanged).toBe(1);
    await expect.poll(() => text('models-disk')).toMatch(/^25\d KB$/);
    // The Cancel button went with the download: the row's next button has the keyboard.
    expect(focusedTestId()).toBe('model-remove');
  });

  test('a wrong checksum installs nothing and says so in words; Retry (after the server is fixed) installs without asking again', async () => {
    const third = harness.files[2]!;
    const wrong = Buffer.from(third.body);
    wrong[7] = wrong[7]! ^ 0xff;
    harness.served[third.urlPath]!.body = wrong;
    await openModels();
    await askToInstall();
    byTestId('model-consent-download')!.click();

    await expect.poll(() => byTestId('model-install-failure', row())).not.toBeNull();
    const failure = byTestId('model-install-failure', row())!;
    expect(failure.getAttribute('role')).toBe('alert');
    expect(failure.dataset.code).toBe('checksum');
    expect(failure.querySelector('.failure-headline')?.textContent).toBe('A downloaded file was not the one expected, so nothing was installed. Retry downloads that file again.');
    expect(failure.querySelector('.failure-detail')?.textContent).toMatch(/^test-clip\/onnx\/part-2\.onnx does not match the catalog: SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}$/);
    expect(state()).toBe('Download failed');
    expect(await harness.store.resolve('test-clip')).toBeNull();
    expect(harness.modelsChanged).toBe(0);

    harness.served[third.urlPath]!.body = third.body;
    const before = harness.server.requests.length;
    byTestId('model-retry', row())!.click();
    await expect.poll(state).toBe('Installed');
    expect(byTestId('model-consent')).toBeNull();
    expect(harness.server.requests.slice(before).map((request) => request.path)).toEqual([third.urlPath]);
  });

  test('a server that cannot be reached is said in words, and Retry is offered', async () => {
    await harness.server.close();
    await openModels();
    await askToInstall();
    byTestId('model-consent-download')!.click();
    await expect.poll(() => byTestId('model-install-failure', row())?.dataset.code).toBe('network');
    expect(text('model-install-failure', row())).toContain('The download failed: the server could not be reached, or the connection broke. What arrived is kept, and Retry resumes it.');
    expect(text('model-install-failure', row())).toContain(`cannot reach ${harness.host}`);
    expect(byTestId('model-retry', row())).not.toBeNull();
  });

  test('Cancel keeps what arrived; Resume asks again for what is left, and finishes with a range request', async () => {
    const big = harness.files[1]!;
    harness.served[big.urlPath]!.stallAfter = [64_000];
    await openModels();
    await askToInstall();
    byTestId('model-consent-download')!.click();
    await waitForFileSize(path.join(harness.store.dir, '.partial', 'test-clip', '1', ...big.path.split('/')) + '.part', 64_000);
    await expect.poll(() => byTestId('model-cancel', row())).not.toBeNull();

    byTestId('model-cancel', row())!.click();
    await expect.poll(state).toMatch(/^Partly downloaded \([\d.]+ KB of 255 KB\)$/);
    expect(text('model-outcome', row())).toBe('Download cancelled. What arrived is kept: Resume download picks up from there.');
    expect(text('model-install', row())).toBe('Resume download…');
    expect(focusedTestId()).toBe('model-install');

    const dialog = await askToInstall();
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Resume downloading Test model test-clip?');
    // What is left: the big file's rest, plus whichever other files had not finished when Cancel
    // came (how many had depends on the machine's speed), never the 64,000 bytes kept.
    const left = Number(/\(([\d,]+) bytes\)/.exec(text('model-consent-what') ?? '')?.[1]?.replaceAll(',', ''));
    expect(left).toBeGreaterThanOrEqual(big.body.length - 64_000);
    expect(left).toBeLessThanOrEqual(harness.size - 64_000);
    expect(text('model-consent-resume')).toMatch(/^[\d.]+ KB of 255 KB are already on this device and are kept\.$/);
    byTestId('model-consent-download')!.click();
    await expect.poll(state).toBe('Installed');
    expect(harness.server.requests.filter((request) => request.path === big.urlPath).map((request) => request.range)).toEqual([undefined, 'bytes=64000-']);
  });

  test('Remove asks first, says it cannot be undone, and frees the disk; Esc keeps the model', async () => {
    await openModels();
    await askToInstall();
    byTestId('model-consent-download')!.click();
    await expect.poll(state).toBe('Installed');

    byTestId('model-remove', row())!.click();
    await nextTick();
    const confirm = byTestId('model-remove-confirm', row())!;
    expect(confirm.textContent).toContain('Remove Test model test-clip?');
    expect(confirm.textContent).toContain('cannot be undone: to use it again, it must be downloaded again (255 KB)');
    expect(focusedTestId()).toBe('model-remove-cancel');
    press('Escape', { target: document.activeElement! });
    await nextTick();
    await nextTick();
    expect(byTestId('model-remove-confirm', row())).toBeNull();
    expect(focusedTestId()).toBe('model-remove');
    expect(state()).toBe('Installed');

    byTestId('model-remove', row())!.click();
    await nextTick();
    byTestId('model-remove-confirm-button', row())!.click();
    await expect.poll(state).toBe('Not installed');
    expect(text('model-outcome', row())).toMatch(/^Removed Test model test-clip: 25\d KB freed\.$/);
    expect(focusedTestId()).toBe('model-install');
    expect(await harness.store.resolve('test-clip')).toBeNull();
    await expect.poll(() => harness.modelsChanged).toBe(2);
    await expect.poll(() => text('models-disk')).toBe('0 B');
  });

  test('imports from a typed folder: an empty or relative path is refused in words, a folder with the files installs the model', async () => {
    const source = await tempDir('clipshot-models-ui-source-');
    for (const file of harness.files) {
      await fs.mkdir(path.dirname(path.join(source, file.path)), { recursive: true });
      await fs.writeFile(path.join(source, file.path), file.body);
    }
    await openModels();
    expect(byTestId('model-import-choose')).toBeNull();
    const input = byTestId<HTMLInputElement>('model-import-path')!;
    expect(document.querySelector(`label[for="${input.id}"]`)?.textContent).toBe('Folder on the device running ClipShot');

    byTestId('model-import-submit')!.click();
    await nextTick();
    expect(text('model-import-failure')).toBe('Type the full path of the folder that holds the model files.');
    expect(document.activeElement).toBe(input);

    typeInto(input, 'Downloads/models');
    byTestId('model-import-submit')!.click();
    await expect.poll(() => text('model-import-failure')).toBe('Could not import models: give the folder’s full path (like /home/me/models), not “Downloads/models”');

    typeInto(input, source);
    // Enter in the field imports.
    byTestId<HTMLFormElement>('model-import-form')!.requestSubmit();
    await expect.poll(() => text('model-import-installed')).toBe('Imported Test model test-clip (version 1).');
    await expect.poll(state).toBe('Installed');
    expect(harness.server.requests).toEqual([]);
    await expect.poll(() => harness.modelsChanged).toBe(1);
  });

  test('the panel’s controls are in reading order, each named', async () => {
    await openModels();
    const panel = byTestId('models-panel')!;
    const controls = [...panel.querySelectorAll<HTMLElement>('button, input, a[href]')].filter((element) => element.tabIndex >= 0);
    expect(controls.map((element) => element.dataset.testid)).toEqual(['model-source', 'model-source', 'model-install', 'model-import-path', 'model-import-submit']);
    expect(panel.querySelectorAll('[tabindex]:not([tabindex="-1"]):not([tabindex="0"])')).toHaveLength(0);
    expect(byTestId('model-install', row())!.getAttribute('aria-label')).toBe('Install Test model test-clip');
  });
});

describe('in the desktop app', () => {
  let chosen: string | null = null;
  const harness = useAiSettingsHarness({ chooseFolder: async () => chosen });

  test('Import from folder… asks for the folder; closing the chooser does nothing', async () => {
    const source = await tempDir('clipshot-models-ui-source-');
    for (const file of harness.files) {
      await fs.mkdir(path.dirname(path.join(source, file.path)), { recursive: true });
      await fs.writeFile(path.join(source, file.path), file.body);
    }
    await openModels();
    expect(byTestId('model-import-path')).toBeNull();
    chosen = null;
    byTestId('model-import-choose')!.click();
    await expect.poll(() => text('model-import-choose')).toBe('Import from folder…');
    expect(byTestId('model-import-result')).toBeNull();
    expect(state()).toBe('Not installed');

    chosen = source;
    byTestId('model-import-choose')!.click();
    await expect.poll(() => text('model-import-installed')).toBe('Imported Test model test-clip (version 1).');
    await expect.poll(state).toBe('Installed');
  });
});
