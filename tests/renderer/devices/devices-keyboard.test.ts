// The Devices panel by keyboard: reached from the command palette ("Devices…", "Pair a new
// device", "Join another device"), its controls in reading order with nothing out of the tab
// order, and each of its dialogs taking the keyboard and giving it back. And a core without sync.
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { press } from '../library/mount-library.js';
import { byTestId, focusedTestId, openDevicesPanel, text, useDevicesHarness } from './devices-harness.js';

const paletteInput = () => byTestId<HTMLInputElement>('palette-input')!;

async function runFromPalette(title: string): Promise<void> {
  press('k', { ctrlKey: true, target: document.body });
  await nextTick();
  paletteInput().value = title;
  paletteInput().dispatchEvent(new Event('input', { bubbles: true }));
  await nextTick();
  const first = document.querySelector<HTMLElement>('[data-testid="palette-option"]');
  expect(first?.querySelector('.palette-title')?.textContent?.trim()).toBe(title);
  press('Enter', { target: paletteInput() });
  await nextTick();
}

const FOCUSABLE = 'button, input, select, textarea, a[href], [tabindex]';

describe('with sync', () => {
  const harness = useDevicesHarness();

  test('“Devices…” in the palette opens Settings at Devices; it is not offered while Devices shows', async () => {
    await runFromPalette('Devices…');
    await expect.poll(() => byTestId('this-device')).not.toBeNull();
    expect(byTestId('settings-tab-devices')!.getAttribute('aria-selected')).toBe('true');
    expect(byTestId<HTMLDialogElement>('settings-dialog')!.open).toBe(true);

    // The settings dialog is open: the palette still opens (Ctrl+K is a General command).
    press('k', { ctrlKey: true, target: document.body });
    await nextTick();
    const titles = [...document.querySelectorAll('[data-testid="palette-option"] .palette-title')].map((title) => title.textContent?.trim());
    expect(titles).toContain('Pair a new device');
    expect(titles).not.toContain('Devices…');
  });

  test('“Pair a new device” in the palette opens Devices with a code showing, the keyboard in its dialog', async () => {
    await runFromPalette('Pair a new device');
    await expect.poll(() => text('pairing-code')).toMatch(/^\d{4}-\d{4}$/);
    expect(byTestId('settings-tab-devices')!.getAttribute('aria-selected')).toBe('true');
    const dialog = byTestId<HTMLDialogElement>('pairing-dialog')!;
    expect(dialog.open).toBe(true);
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(harness.sync.pairingState()?.state).toBe('waiting');
  });

  test('“Join another device” in the palette opens the join dialog with the keyboard in the code field', async () => {
    await runFromPalette('Join another device');
    await expect.poll(focusedTestId).toBe('join-code');
    press('Escape', { target: byTestId('join-code')! });
    await expect.poll(() => byTestId('join-dialog')).toBeNull();
    expect(document.activeElement).toBe(byTestId('join-device-button'));
    expect(byTestId<HTMLDialogElement>('settings-dialog')!.open).toBe(true);
  });

  test('the panel’s controls are in reading order, each named, none taken out of or forced into the tab order', async () => {
    await openDevicesPanel();
    const panel = byTestId('devices-panel')!;
    const controls = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.tabIndex >= 0);
    expect(controls.map((element) => element.dataset.testid)).toEqual([
      'device-name-input',
      'pair-device-button',
      'join-device-button',
      'device-unpair', // Desktop (online: nothing to connect to)
      'device-connect', // Home server
      'device-unpair',
      'originals-on-demand',
      'originals-all',
    ]);
    expect(panel.querySelectorAll('[tabindex]:not([tabindex="-1"]):not([tabindex="0"])')).toHaveLength(0);
    for (const control of controls) {
      const label = control.getAttribute('aria-label') ?? (control.id ? document.querySelector(`label[for="${control.id}"]`)?.textContent : null) ?? control.closest('label')?.textContent ?? control.textContent;
      expect(label?.trim(), control.dataset.testid).toBeTruthy();
    }
    // The settings tab list leads here with the arrow keys, like the other sections.
    byTestId('settings-tab-devices')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await nextTick();
    await nextTick();
    expect(document.activeElement).toBe(byTestId('settings-tab-capture'));
  });

  test('the pairing dialog is labelled and described, and its buttons come after what it shows', async () => {
    await openDevicesPanel();
    byTestId('pair-device-button')!.click();
    await expect.poll(() => text('pairing-code')).toMatch(/^\d{4}-\d{4}$/);
    const dialog = byTestId<HTMLDialogElement>('pairing-dialog')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Pair a new device');
    expect(document.getElementById(dialog.getAttribute('aria-describedby')!)?.textContent).toMatch(/Join another device/);
    expect(document.activeElement).toBe(byTestId('pairing-close'));
    expect(text('pairing-close')).toBe('Cancel');
    expect([...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].map((element) => element.dataset.testid)).toEqual(['pairing-close']);
  });
});

describe('without sync in this instance', () => {
  useDevicesHarness({ withSync: false });

  test('the panel says sync is not running, and pairing says why it cannot start', async () => {
    byTestId('settings-button')!.click();
    await nextTick();
    byTestId('settings-tab-devices')!.click();
    await expect.poll(() => text('devices-unavailable')).toBe('Sync is not running in this instance of ClipShot, so there are no devices to show.');
    expect(byTestId('this-device')).toBeNull();
    expect(byTestId('pair-device-button')).toBeNull();

    await runFromPalette('Pair a new device');
    await expect.poll(() => text('pairing-failure')).toBe('Could not start pairing: sync is not running in this instance');
    expect(byTestId('pairing-code')).toBeNull();
  });
});
