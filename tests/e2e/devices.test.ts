// The Devices panel in Chromium against two real `clipshot serve` instances ("laptop" and
// "desktop", each its own library and sync listener on loopback): pairing through the UI, a clip
// and an edit crossing from one to the other, and unpairing.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { saveScreenshot, startApp, type AppHarness } from './app-harness.js';

interface Instance {
  name: string;
  app: AppHarness;
  page: Page;
  /** Its key fingerprint as its own Devices panel shows it. */
  fingerprint: string;
}

let laptop: Instance;
let desktop: Instance;

/** Starts serve and Chromium, names the device in its Devices panel, and leaves the panel open. */
async function startInstance(name: string): Promise<Instance> {
  const app = await startApp();
  const page = await app.openTab();
  await openDevices(page);
  const nameInput = page.getByTestId('device-name-input');
  await nameInput.fill(name);
  await nameInput.press('Enter');
  await page.getByTestId('device-name-outcome').filter({ hasText: name }).waitFor();
  const fingerprint = (await page.getByTestId('self-fingerprint').textContent())?.trim() ?? '';
  expect(fingerprint).not.toBe('');
  return { name, app, page, fingerprint };
}

async function openDevices(page: Page): Promise<void> {
  if (!(await page.getByTestId('settings-dialog').isVisible())) await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-tab-devices').click();
  await page.getByTestId('devices-panel').waitFor();
  await page.getByTestId('self-fingerprint').waitFor();
}

async function closeSettings(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
}

/** The row of the paired device with this fingerprint in `page`'s list. */
const rowOf = (page: Page, fingerprint: string) => page.getByTestId('device-row').filter({ has: page.getByTestId('device-fingerprint').getByText(fingerprint, { exact: true }) });
const onlineOf = (page: Page, fingerprint: string) => rowOf(page, fingerprint).getByTestId('device-presence').getAttribute('data-online', { timeout: 1_000 }).catch(() => null);
const cardTitled = (page: Page, title: string) => page.getByTestId('clip-card').filter({ hasText: title });

beforeAll(async () => {
  [laptop, desktop] = await Promise.all([startInstance('Laptop'), startInstance('Desktop')]);
});

afterAll(async () => {
  await Promise.all([laptop?.app.close(), desktop?.app.close()]);
});

describe('two devices paired through the Devices panel', () => {
  it('pairs with a code and an address; a wrong code is refused first', async () => {
    expect(await laptop.page.getByTestId('no-devices').isVisible()).toBe(true);
    await laptop.page.getByTestId('pair-device-button').click();
    const pairing = laptop.page.getByTestId('pairing-dialog');
    await pairing.getByTestId('pairing-code').waitFor();
    const code = (await pairing.getByTestId('pairing-code').textContent())!.trim();
    expect(code).toMatch(/^\d{4}-?\d{4}$/);
    const address = (await pairing.getByTestId('pairing-addresses').locator('li').first().textContent())!.trim();
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    // The QR code is an SVG the library drew, with its modules as paths.
    const qr = pairing.getByTestId('pairing-qr').locator('svg');
    await qr.waitFor();
    expect(await qr.locator('path').count()).toBeGreaterThan(0);
    expect((await qr.boundingBox())!.width).toBeGreaterThan(50);
    await expect.poll(() => pairing.getByTestId('pairing-attempts').textContent()).toMatch(/^3 tries left/);
    await saveScreenshot(laptop.page, 'devices-pairing-dialog');

    await desktop.page.getByTestId('join-device-button').click();
    const join = desktop.page.getByTestId('join-dialog');
    await join.waitFor();
    // A wrong code: the PAKE fails, the form says so, and the invitation has one try fewer.
    const digits = code.replace(/\D/g, '');
    const wrong = `${digits.slice(0, 7)}${(Number(digits[7]) + 1) % 10}`;
    await join.getByTestId('join-code').fill(wrong);
    await join.getByTestId('join-peer').fill(address);
    await join.getByTestId('join-submit').click();
    await expect.poll(() => join.getByTestId('join-failure').textContent().catch(() => ''), { timeout: 20_000 }).toMatch(/code/i);
    await saveScreenshot(desktop.page, 'devices-join-wrong-code');
    await expect.poll(() => pairing.getByTestId('pairing-attempts').textContent()).toMatch(/^2 tries left/);
    expect(await pairing.getByTestId('pairing-code').textContent()).toContain(code);

    // The right code.
    await join.getByTestId('join-code').fill(code);
    await join.getByTestId('join-submit').click();
    const joined = join.getByTestId('join-result');
    await joined.waitFor({ timeout: 20_000 });
    expect((await joined.getByTestId('joined-fingerprint').textContent())?.trim()).toBe(laptop.fingerprint);
    expect(await joined.textContent()).toContain('Laptop');
    await saveScreenshot(desktop.page, 'devices-join-result');

    const outcome = pairing.getByTestId('pairing-outcome');
    await expect.poll(() => outcome.getAttribute('data-state', { timeout: 1_000 }).catch(() => null)).toBe('paired');
    expect((await outcome.getByTestId('paired-fingerprint').textContent())?.trim()).toBe(desktop.fingerprint);
    await saveScreenshot(laptop.page, 'devices-pairing-paired');

    await pairing.getByTestId('pairing-close').click();
    await pairing.waitFor({ state: 'detached' });
    await join.getByTestId('join-done').click();
    await join.waitFor({ state: 'detached' });

    // Each lists the other, by the name it chose, and online once their connection is up.
    await expect.poll(() => onlineOf(laptop.page, desktop.fingerprint), { timeout: 20_000 }).toBe('true');
    await expect.poll(() => onlineOf(desktop.page, laptop.fingerprint), { timeout: 20_000 }).toBe('true');
    expect(await rowOf(laptop.page, desktop.fingerprint).getByTestId('device-name').textContent()).toBe('Desktop');
    expect(await rowOf(desktop.page, laptop.fingerprint).getByTestId('device-name').textContent()).toBe('Laptop');
    expect(await laptop.page.getByTestId('device-row').count()).toBe(1);
    expect(await desktop.page.getByTestId('device-row').count()).toBe(1);
    await rowOf(laptop.page, desktop.fingerprint).scrollIntoViewIfNeeded();
    await rowOf(desktop.page, laptop.fingerprint).scrollIntoViewIfNeeded();
    await saveScreenshot(laptop.page, 'devices-list-laptop');
    await saveScreenshot(desktop.page, 'devices-list-desktop');
  });

  it('shows a clip imported on the laptop on the desktop, and the desktop’s edit on the laptop', async () => {
    await Promise.all([closeSettings(laptop.page), closeSettings(desktop.page)]);
    const files = await fs.mkdtemp(path.join(path.dirname(laptop.app.libraryDir), 'files-'));
    const file = await writePng(files, 'harbour-at-dusk.png', 7, { width: 240, height: 160 });
    // Through the laptop's running serve (its control socket), as a person's terminal would.
    const imported = await runCli(['--library', laptop.app.libraryDir, 'import', file]);
    expect(imported.code, imported.stderr).toBe(0);
    await cardTitled(laptop.page, 'harbour-at-dusk').waitFor({ timeout: 20_000 });

    // It reaches the desktop by sync, and its grid follows without a reload, thumbnail included.
    await cardTitled(desktop.page, 'harbour-at-dusk').waitFor({ timeout: 30_000 });
    const thumbnail = cardTitled(desktop.page, 'harbour-at-dusk').locator('img').first();
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth).catch(() => 0), { timeout: 30_000 }).toBeGreaterThan(0);

    await cardTitled(desktop.page, 'harbour-at-dusk').first().dblclick();
    await desktop.page.getByTestId('clip-detail').waitFor();
    const title = desktop.page.getByTestId('clip-title-input');
    await title.fill('Harbour, edited on the desktop');
    await title.press('Enter');
    await expect.poll(() => cardTitled(desktop.page, 'Harbour, edited on the desktop').count()).toBe(1);
    // Esc leaves the field, the next one closes the clip.
    await title.press('Escape');
    await expect.poll(() => title.evaluate((element) => element === document.activeElement)).toBe(false);
    await desktop.page.keyboard.press('Escape');
    await desktop.page.getByTestId('clip-detail').waitFor({ state: 'detached' });

    await cardTitled(laptop.page, 'Harbour, edited on the desktop').waitFor({ timeout: 30_000 });
    expect(await cardTitled(laptop.page, 'harbour-at-dusk').count()).toBe(0);
    await saveScreenshot(laptop.page, 'devices-edit-synced-laptop');
  });

  it('unpairs from the laptop after asking; the desktop then sees the laptop offline', async () => {
    await openDevices(laptop.page);
    await openDevices(desktop.page);
    const row = rowOf(laptop.page, desktop.fingerprint);
    await row.getByTestId('device-unpair').click();
    const confirm = row.getByTestId('unpair-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Desktop');
    await confirm.scrollIntoViewIfNeeded();
    await saveScreenshot(laptop.page, 'devices-unpair-confirm');
    await confirm.getByTestId('unpair-confirm-button').click();

    await row.waitFor({ state: 'detached' });
    await laptop.page.getByTestId('no-devices').waitFor();
    expect(await laptop.page.getByTestId('devices-outcome').textContent()).toContain('Desktop');
    // Revoked: the laptop closed their connection and refuses it, so the desktop sees it offline.
    await expect.poll(() => onlineOf(desktop.page, laptop.fingerprint), { timeout: 20_000 }).toBe('false');
    await rowOf(desktop.page, laptop.fingerprint).scrollIntoViewIfNeeded();
    await saveScreenshot(laptop.page, 'devices-list-laptop-unpaired');
    await saveScreenshot(desktop.page, 'devices-list-desktop-unpaired');
  });
});
