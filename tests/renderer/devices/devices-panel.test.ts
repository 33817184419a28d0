// The Devices panel against a real core whose sync is a stand-in (FakeSyncControl): what it shows of
// this device, the paired ones and the sync, kept fresh by 'sync-changed' events; renaming this
// device in place; unpairing after a confirmation; where originals are kept.
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { useDevicesStore } from '../../../renderer/src/devices/devices-store.js';
import { fakeDevice } from '../../helpers/fake-sync-control.js';
import { press } from '../library/mount-library.js';
import { byTestId, openDevicesPanel, rowOf, text, typeInto, useDevicesHarness } from './devices-harness.js';

const harness = useDevicesHarness();
const nameInput = () => byTestId<HTMLInputElement>('device-name-input')!;

describe('what the panel shows', () => {
  test('this device, its addresses, each paired device and the sync state', async () => {
    await openDevicesPanel();
    const { sync } = harness;
    expect(nameInput().value).toBe('Studio laptop');
    expect(text('self-fingerprint')).toBe(sync.device.fingerprint);
    expect(text('self-fingerprint')).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect([...byTestId('listening-addresses')!.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['192.168.1.10:47110', '[fe80::1c2d%en0]:47110']);

    const desktop = rowOf('Desktop')!;
    expect(desktop.dataset.deviceId).toBe(sync.devices[0]!.id);
    expect(text('device-fingerprint', desktop)).toBe(sync.devices[0]!.fingerprint);
    expect(text('device-presence', desktop)).toBe('Online');
    expect(byTestId('device-presence', desktop)!.dataset.online).toBe('true');
    expect(text('device-pending', desktop)).toBe('3 changes to send');
    expect(text('device-address', desktop)).toBe('192.168.1.20:47110');
    expect(byTestId('device-connect', desktop)).toBeNull();

    const server = rowOf('Home server')!;
    expect(text('device-presence', server)).toBe('Last seen 5 minutes ago');
    expect(text('device-pending', server)).toBe('1 change to send');
    expect(byTestId('device-connect', server)).not.toBeNull();

    expect(text('sync-state')).toBe('Up to date');
    expect(byTestId('sync-progress-bar')).toBeNull();
    expect(byTestId<HTMLInputElement>('originals-on-demand')!.checked).toBe(true);
  });

  test('follows sync-changed events: progress with a bar while syncing, a device coming online, then idle again', async () => {
    await openDevicesPanel();
    const { sync } = harness;
    sync.update((state) => {
      state.state = 'syncing';
      state.progress = { documentsPending: 30, documentsSynced: 10, blobsPending: 10, blobsFetched: 0, bytesReceived: 3 * 1024 * 1024, bytesSent: 2048 };
    });
    await expect.poll(() => text('sync-state')).toBe('Syncing');
    const bar = byTestId<HTMLProgressElement>('sync-progress-bar')!;
    expect(bar.getAttribute('value')).toBe('0.2');
    expect(text('sync-documents-pending')).toBe('30');
    expect(text('sync-blobs-pending')).toBe('10');
    expect(text('sync-bytes-received')).toBe('3.0 MB');
    expect(text('sync-bytes-sent')).toBe('2.0 KB');

    // Progress not counted yet: the bar runs without a value.
    sync.update((state) => {
      state.progress = { ...state.progress, documentsPending: 0, blobsPending: 0 };
      state.devices[1]!.online = true;
      state.devices[1]!.lastSeenAt = Date.now();
    });
    await expect.poll(() => text('device-presence', rowOf('Home server'))).toBe('Online');
    expect(byTestId('sync-progress-bar')!.hasAttribute('value')).toBe(false);

    sync.update((state) => {
      state.state = 'idle';
    });
    await expect.poll(() => byTestId('sync-progress-bar')).toBeNull();
    expect(text('sync-state')).toBe('Up to date');
  });

  test('a device never seen since pairing, and a library with no other device', async () => {
    harness.sync.devices = [];
    await openDevicesPanel();
    expect(text('no-devices')).toMatch(/No other device is paired yet/);
    expect(text('sync-state')).toBe('Not paired with another device yet');
    harness.sync.update((state) => state.devices.push(fakeDevice('Tablet')));
    await expect.poll(() => text('device-presence', rowOf('Tablet'))).toBe('Not seen since pairing');
    expect(text('device-address', rowOf('Tablet'))).toBe('Not known yet');
  });

  test('chooses where originals are kept', async () => {
    await openDevicesPanel();
    const all = byTestId<HTMLInputElement>('originals-all')!;
    all.checked = true;
    all.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => harness.sync.originals).toBe('all');
    expect(byTestId<HTMLInputElement>('originals-all')!.checked).toBe(true);
  });

  test('connects now to an offline device at its address; one that cannot be reached says so', async () => {
    await openDevicesPanel();
    byTestId('device-connect', rowOf('Home server'))!.click();
    await expect.poll(() => text('device-presence', rowOf('Home server'))).toBe('Online');
    expect(harness.sync.calls.filter((call) => call.method === 'connect').map((call) => call.args)).toEqual([['nas.local:47110']]);

    harness.sync.update((state) => {
      state.devices[0]!.online = false;
      state.unreachable.add('192.168.1.20:47110');
    });
    await expect.poll(() => byTestId('device-connect', rowOf('Desktop'))).not.toBeNull();
    byTestId('device-connect', rowOf('Desktop'))!.click();
    await expect.poll(() => text('device-failure', rowOf('Desktop'))).toBe('Could not connect to “Desktop”: could not reach the device at 192.168.1.20:47110: nothing is listening there (is ClipShot running, and is the port right?)');
  });

  test('a status the core cannot give: the reason, and nothing else', async () => {
    harness.sync.status = () => {
      throw new Error('the device registry is locked');
    };
    byTestId('settings-button')!.click();
    await nextTick();
    byTestId('settings-tab-devices')!.click();
    await expect.poll(() => text('devices-unavailable')).toBe('The device registry is locked');
    expect(byTestId('devices-unavailable')!.getAttribute('role')).toBe('alert');
    expect(byTestId('this-device')).toBeNull();
  });
});

describe('renaming this device', () => {
  test('Enter saves the name; the other windows see it through the event', async () => {
    await openDevicesPanel();
    const second = harness.core.openWindow();
    const events: string[] = [];
    const stop = second.api.onEvent((event) => {
      if (event.type === 'sync-changed') events.push(event.status.device.name);
    });
    try {
      nameInput().focus();
      typeInto(nameInput(), '  Studio laptop (2024)  ');
      press('Enter', { target: nameInput() });
      await expect.poll(() => harness.sync.device.name).toBe('Studio laptop (2024)');
      await expect.poll(() => text('device-name-outcome')).toBe('Renamed to “Studio laptop (2024)”.');
      expect(nameInput().value).toBe('Studio laptop (2024)');
      await expect.poll(() => events.at(-1)).toBe('Studio laptop (2024)');
    } finally {
      stop();
      second.close();
    }
  });

  test('Esc puts the saved name back and keeps the dialog open; nothing is sent', async () => {
    await openDevicesPanel();
    nameInput().focus();
    typeInto(nameInput(), 'Something else');
    const escape = press('Escape', { target: nameInput() });
    await nextTick();
    expect(escape.defaultPrevented).toBe(true);
    expect(nameInput().value).toBe('Studio laptop');
    expect(byTestId<HTMLDialogElement>('settings-dialog')?.open).toBe(true);
    nameInput().blur();
    await nextTick();
    // Esc again, with nothing to undo, is the dialog's own (it closes it).
    expect(press('Escape', { target: nameInput() }).defaultPrevented).toBe(false);
    expect(harness.sync.calls.some((call) => call.method === 'rename')).toBe(false);
  });

  test('a name that breaks the rules is refused in place, and sent once it is right', async () => {
    await openDevicesPanel();
    nameInput().focus();
    typeInto(nameInput(), '   ');
    press('Enter', { target: nameInput() });
    await nextTick();
    expect(text('device-name-error')).toBe('A device needs a name.');
    expect(nameInput().getAttribute('aria-invalid')).toBe('true');
    expect(nameInput().getAttribute('aria-describedby')).toBe(byTestId('device-name-error')!.id);

    typeInto(nameInput(), 'x'.repeat(65));
    await nextTick();
    expect(text('device-name-error')).toBe('A device name is at most 64 characters.');
    typeInto(nameInput(), 'Tab\there');
    await nextTick();
    expect(text('device-name-error')).toBe('A device name cannot hold control characters or line breaks.');
    expect(harness.sync.calls.some((call) => call.method === 'rename')).toBe(false);

    typeInto(nameInput(), 'Laptop');
    await nextTick();
    expect(byTestId('device-name-error')).toBeNull();
    nameInput().blur();
    await expect.poll(() => harness.sync.device.name).toBe('Laptop');
  });

  test('a rename from elsewhere shows, unless something is being typed', async () => {
    await openDevicesPanel();
    await harness.sync.rename('Renamed from the CLI');
    await expect.poll(() => nameInput().value).toBe('Renamed from the CLI');
    typeInto(nameInput(), 'Typing here');
    await harness.sync.rename('Renamed again');
    await expect.poll(() => useDevicesStore(harness.mounted.pinia).status?.device.name).toBe('Renamed again');
    await nextTick();
    expect(nameInput().value).toBe('Typing here');
    // Esc now goes back to the name as it is now.
    press('Escape', { target: nameInput() });
    await nextTick();
    expect(nameInput().value).toBe('Renamed again');
  });
});

describe('unpairing', () => {
  test('asks first, saying what revoking does; Esc keeps the device and gives the keyboard back', async () => {
    await openDevicesPanel();
    const unpair = byTestId<HTMLButtonElement>('device-unpair', rowOf('Home server'))!;
    expect(unpair.getAttribute('aria-label')).toBe('Unpair Home server');
    unpair.click();
    await nextTick();
    await nextTick();
    const confirm = byTestId('unpair-confirm', rowOf('Home server'))!;
    expect(confirm.getAttribute('role')).toBe('group');
    const described = document.getElementById(confirm.getAttribute('aria-describedby')!)!.textContent!;
    expect(described).toMatch(/connections close/);
    expect(described).toMatch(/gets nothing new/);
    expect(described).toMatch(/copies it already has stay on it/);
    expect(document.getElementById(confirm.getAttribute('aria-labelledby')!)!.textContent).toBe('Unpair “Home server”?');
    expect(unpair.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(byTestId('unpair-cancel', confirm));

    const escape = press('Escape', { target: document.activeElement! });
    await nextTick();
    await nextTick();
    expect(escape.defaultPrevented).toBe(true);
    expect(byTestId('unpair-confirm')).toBeNull();
    expect(document.activeElement).toBe(unpair);
    expect(byTestId<HTMLDialogElement>('settings-dialog')?.open).toBe(true);
    expect(harness.sync.devices.map((device) => device.name)).toEqual(['Desktop', 'Home server']);
    expect(harness.sync.calls.some((call) => call.method === 'unpair')).toBe(false);
  });

  test('confirmed, the device is revoked by its id and leaves the list; the keyboard goes to the list', async () => {
    await openDevicesPanel();
    const id = harness.sync.devices[1]!.id;
    byTestId('device-unpair', rowOf('Home server'))!.click();
    await nextTick();
    byTestId('unpair-confirm-button', rowOf('Home server'))!.click();
    await expect.poll(() => rowOf('Home server')).toBeUndefined();
    expect(harness.sync.calls.filter((call) => call.method === 'unpair').map((call) => call.args)).toEqual([[id]]);
    expect(harness.sync.devices.map((device) => device.name)).toEqual(['Desktop']);
    expect(text('devices-outcome')).toBe('“Home server” is no longer paired.');
    await expect.poll(() => document.activeElement?.id).toBe('paired-devices-title');
  });

  test('a device already gone elsewhere: the failure says so in its row', async () => {
    await openDevicesPanel();
    byTestId('device-unpair', rowOf('Desktop'))!.click();
    await nextTick();
    // Unpaired from the command line meanwhile; the panel has not heard yet.
    harness.sync.devices = harness.sync.devices.filter((device) => device.name !== 'Desktop');
    byTestId('unpair-confirm-button', rowOf('Desktop'))!.click();
    await expect.poll(() => text('device-failure', rowOf('Desktop'))).toBe('Could not unpair “Desktop”: that device is not paired with this one (any more)');
  });
});
