// The lock screen's "Unlock with Touch ID" in Debian's Chromium. `serve` has no OS authentication,
// so the desktop app's own core (startDesktopCore, as main/app/main.ts starts it) is served here
// through the real serve server; only the OS prompt is scripted (tests/helpers/scripted-authenticator.ts).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockState } from '../../contract/lock.js';
import { UploadStore } from '../../main/api/upload-store.js';
import { startDesktopCore, type DesktopCore } from '../../main/app/desktop-core.js';
import { builtRendererDir } from '../../main/server/package-root.js';
import { startServeServer, type ServeServer } from '../../main/server/serve-server.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { rateLimitsOf } from '../../main/security/rate-limit/rate-limit-policy.js';
import { launchChromium } from '../helpers/browser.js';
import { ScriptedAuthenticator } from '../helpers/scripted-authenticator.js';
import { saveScreenshot, waitUntilReady } from './app-harness.js';

const TITLE = 'bank-statement';
let work: string;
let core: DesktopCore;
let server: ServeServer;
let browser: Browser;
const touchId = new ScriptedAuthenticator();

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-e2e-'));
  const dir = path.join(work, 'library');
  const keychain = new MemorySecretStore('keychain');
  core = await startDesktopCore(dir, { stores: [keychain] }, { sync: false, analysis: false, plugins: false, keychain, osAuthenticator: touchId });
  await core.windows.dispatch(0, 'importText', { text: 'account 1234', title: TITLE });
  server = await startServeServer(core.lock, core.api, new UploadStore(path.join(dir, 'uploads')), {
    host: '127.0.0.1',
    port: 0,
    rendererDir: builtRendererDir(),
    // The core's own limits, which outlive each opening of the library (as serve gives its own).
    limits: rateLimitsOf(core.library),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await core?.close();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

const cards = (page: Page) => page.getByTestId('clip-card');
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

describe('unlocking with Touch ID on the lock screen', () => {
  it('is turned on in Settings → Lock, then offered beside the passphrase, reached by the keyboard, says why a refusal failed, and unlocks', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(server.url);
    await waitUntilReady(page);
    await expect.poll(() => cards(page).count()).toBe(1);

    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-tab-lock').click();
    const toggle = page.getByTestId('os-unlock');
    expect(await toggle.isChecked()).toBe(false);
    await page.getByText('Unlock with Touch ID on this computer').click();
    await expect.poll(async () => ((await core.windows.dispatch(0, 'lockState', {})) as LockState).osUnlock.offered).toBe(true);
    expect(await toggle.isChecked()).toBe(true);

    await page.getByTestId('lock-now').click();
    await page.getByTestId('lock-screen').waitFor();
    expect(await cards(page).count()).toBe(0);
    const button = page.getByTestId('lock-os');
    expect(await button.innerText()).toBe('Unlock with Touch ID');
    // Its prompt gates the keychain as well, so the plain keychain button is not offered beside it.
    expect(await page.getByTestId('lock-keychain').count()).toBe(0);
    expect(await page.locator('.lock-hint').innerText()).toContain('or use Touch ID');

    // From the passphrase field, Tab reaches the button and Enter presses it; the person cancels.
    await expect.poll(() => focused(page)).toBe('lock-passphrase');
    touchId.answer(false);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('lock-os');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('lock-error').innerText()).toMatch(/Touch ID did not confirm it is you/);
    expect(core.lock.locked).toBe(true);
    await saveScreenshot(page, 'lock-screen-touch-id-refused');

    touchId.answer(true);
    await expect.poll(() => focused(page)).toBe('lock-passphrase');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitUntilReady(page);
    await expect.poll(() => cards(page).count()).toBe(1);
    expect(await cards(page).first().innerText()).toContain(TITLE);
    expect(touchId.prompts).toHaveLength(2);
  }, 120_000);
});
