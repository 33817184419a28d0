// The Plugins panel in Debian's Chromium against a real `clipshot serve`: the word-count example
// published signed to a real Verdaccio, its publisher trusted and the registry chosen with the
// CLI, then found, its permissions read, installed, its command run from the keyboard, and its
// panel shown from the app's own origin in a sandboxed frame that can reach no network.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PLUGINS_DIR } from '../helpers/example-plugins.js';
import { startTestMarketplace, type TestMarketplace } from '../helpers/plugin-marketplace.js';
import { saveScreenshot, startApp, type AppHarness } from './app-harness.js';

const WORD_COUNT = 'clipshot-plugin-word-count';

let marketplace: TestMarketplace;
let app: AppHarness;
let pluginsDir: string;

beforeAll(async () => {
  marketplace = await startTestMarketplace();
  await marketplace.publishSigned(path.join(PLUGINS_DIR, 'word-count'));
  await marketplace.publishUnsigned(path.join(PLUGINS_DIR, 'colour-palette'));
  pluginsDir = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-e2e-plugins-'));
  const env = { CLIPSHOT_PLUGINS_DIR: pluginsDir };
  // As a person sets it up: the publisher's key trusted and the registry chosen, with the CLI.
  for (const args of [['plugin', 'trust', 'add', marketplace.publisher.publicKey, '--name', 'Test Publisher'], ['plugin', 'registry', marketplace.registry.url]]) {
    const result = await runCli(args, { env });
    if (result.code !== 0) throw new Error(result.stderr);
  }
  app = await startApp(env, async (libraryDir, work) => {
    const notes = path.join(work, 'notes');
    await fs.mkdir(notes);
    await fs.writeFile(path.join(notes, 'first.txt'), 'one two three');
    await fs.writeFile(path.join(notes, 'second.txt'), 'four five');
    const imported = await runCli(['--library', libraryDir, 'import', notes]);
    if (imported.code !== 0) throw new Error(imported.stderr);
  });
});

afterAll(async () => {
  await app?.close();
  await marketplace?.stop();
  if (pluginsDir) await fs.rm(pluginsDir, { recursive: true, force: true });
});

async function openPlugins(page: Page): Promise<void> {
  await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-tab-plugins').click();
  await page.getByTestId('plugins-installed').waitFor();
}

describe('plugins in the browser', () => {
  it('finds the word count in the registry, shows its permissions, installs it, runs its command and shows its panel', async () => {
    const page = await app.openTab();
    const blocked: string[] = [];
    page.on('requestfailed', (request) => blocked.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openPlugins(page);
    await expect.poll(() => page.getByTestId('plugin-registry').textContent()).toBe(marketplace.registry.url);

    await page.getByTestId('plugin-search-input').fill('statistics');
    await page.getByTestId('plugin-search-input').press('Enter');
    const hit = page.locator(`[data-testid="plugin-hit"][data-package="${WORD_COUNT}"]`);
    await hit.waitFor();
    await hit.getByTestId('plugin-hit-details').click();
    const permissions = hit.getByTestId('plugin-details-permissions').locator('li');
    await permissions.first().waitFor();
    expect(await permissions.evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.permission))).toEqual(['clips:read', 'ui:panel']);
    expect(await hit.getByTestId('plugin-details-signature').textContent()).toBe('Signed by a publisher you trust');

    await hit.getByTestId('plugin-install').click();
    const consent = page.getByTestId('plugin-consent');
    await consent.waitFor();
    expect(await consent.getByTestId('plugin-consent-permissions').locator('li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.permission))).toEqual(['clips:read', 'ui:panel']);
    // The agree button has the focus: Enter installs.
    await page.keyboard.press('Enter');
    await consent.waitFor({ state: 'detached', timeout: 30_000 });

    const row = page.locator('[data-testid="plugin-row"][data-plugin-id="clipshot.word-count"]');
    await row.waitFor();
    expect(await row.getByTestId('plugin-signature').textContent()).toBe(`Signed by a trusted publisher, key ${marketplace.publisher.fingerprint}`);
    await fs.access(path.join(pluginsDir, 'clipshot.word-count', '1.0.0', 'index.js'));

    await row.getByTestId('plugin-run').focus();
    await page.keyboard.press('Enter');
    const result = row.getByTestId('plugin-run-result');
    await result.waitFor({ timeout: 30_000 });
    expect(JSON.parse((await result.locator('pre').textContent()) ?? '')).toMatchObject({ clips: 2, words: 5, lines: 2, complete: true });
    await expect.poll(() => row.getByTestId('plugin-status').textContent()).toBe('Running');

    const frame = row.getByTestId('plugin-panel-frame');
    expect(await frame.getAttribute('src')).toBe('/plugin-panels/clipshot.word-count/1.0.0/panel/index.html');
    expect(await frame.getAttribute('sandbox')).toBe('allow-scripts');
    const panel = page.frameLocator('[data-testid="plugin-panel-frame"]');
    await expect.poll(() => panel.locator('h1').textContent(), { timeout: 15_000 }).toBe('2 text clips');
    await saveScreenshot(page, 'plugins-word-count');

    // The panel page is served with its own policy: no network, only its folder's scripts, framed only by the app.
    const response = await page.request.get(`${app.serve.origin}/plugin-panels/clipshot.word-count/1.0.0/panel/index.html`);
    expect(response.status()).toBe(200);
    const policy = response.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src ${app.serve.origin}/plugin-panels/clipshot.word-count/1.0.0/panel/`);
    expect(policy).toContain("frame-ancestors 'self'");
    // Nothing of the package outside the panel's folder, and nothing of plugins not installed.
    expect((await page.request.get(`${app.serve.origin}/plugin-panels/clipshot.word-count/1.0.0/index.js`)).status()).toBe(404);
    expect((await page.request.get(`${app.serve.origin}/plugin-panels/clipshot.word-count/1.0.0/panel/..%2F..%2Finstall.json`)).status()).toBe(404);
    expect((await page.request.get(`${app.serve.origin}/plugin-panels/clipshot.colour-palette/1.0.0/panel/index.html`)).status()).toBe(404);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);

    const ran = await runCli(['--library', app.libraryDir, 'run', 'clipshot.word-count.stats', '--json'], { env: { CLIPSHOT_PLUGINS_DIR: pluginsDir } });
    expect(ran.code).toBe(0);
    // Through the running instance: the same plugin process, whose run count goes on.
    expect(JSON.parse(ran.stdout)).toMatchObject({ clips: 2, words: 5, run: 2 });
  });
});
