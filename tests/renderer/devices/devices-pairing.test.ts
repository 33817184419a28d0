// Pairing through the Devices panel against a real core whose sync is a stand-in (FakeSyncControl)
// that also plays the other device: the code (large), its QR code and countdown, what became of it
// (paired, expired, worn out by wrong tries), closing it; and joining another device with the
// fields checked as typed, a busy state, and a message a person understands when it fails.
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { pairingLink } from '../../../contract/devices.js';
import { fakeDevice } from '../../helpers/fake-sync-control.js';
import { press } from '../library/mount-library.js';
import { byTestId, focusedTestId, openDevicesPanel, rowOf, text, typeInto, useDevicesHarness } from './devices-harness.js';

const harness = useDevicesHarness();

async function startPairing(): Promise<string> {
  await openDevicesPanel();
  byTestId('pair-device-button')!.click();
  await expect.poll(() => text('pairing-code')).toMatch(/^\d{4}-\d{4}$/);
  return text('pairing-code')!;
}

describe('pairing a new device (this one shows the code)', () => {
  test('shows the code large, a QR code of its link, the addresses, a countdown and the tries left', async () => {
    const code = await startPairing();
    const dialog = byTestId<HTMLDialogElement>('pairing-dialog')!;
    expect(dialog.open).toBe(true);
    const invitation = harness.sync.pairingState()!;
    expect(code).toBe(invitation.code);

    await expect.poll(() => byTestId('pairing-qr')?.querySelector('svg')).not.toBeNull();
    const qr = byTestId('pairing-qr')!;
    expect(qr.getAttribute('role')).toBe('img');
    expect(qr.getAttribute('aria-label')).toBe(`QR code for pairing with code ${code}`);
    const paths = [...qr.querySelectorAll('svg path')].map((path) => path.getAttribute('d') ?? '');
    // The dark modules: many short runs ("h1", "h3"...) across the symbol.
    expect(paths.some((d) => (d.match(/h\d+/g) ?? []).length > 100)).toBe(true);
    expect(qr.innerHTML).not.toMatch(/script|style=/i);

    expect([...byTestId('pairing-addresses')!.querySelectorAll('li')].map((item) => item.textContent)).toEqual(['192.168.1.10:47110', '[fe80::1c2d%en0]:47110']);
    expect(text('pairing-attempts')).toBe('3 tries left');
    expect(text('pairing-countdown')).toMatch(/^(5:00|4:5\d)$/);
    const first = text('pairing-countdown')!;
    await expect.poll(() => text('pairing-countdown'), { timeout: 5_000 }).not.toBe(first);
    expect(document.getElementById('pairing-help')?.textContent).toContain(`clipshot pair ${code} --peer 192.168.1.10:47110`);
  });

  test('paired: names the new device and its fingerprint beside this one’s, and lists it', async () => {
    const code = await startPairing();
    const tablet = fakeDevice('Tablet', { online: true, lastSeenAt: Date.now(), address: '192.168.1.30:47110' });
    expect(harness.sync.answerInvitation(code, tablet)).toBe(true);
    await expect.poll(() => byTestId('pairing-outcome')?.dataset.state).toBe('paired');
    expect(text('pairing-outcome')).toContain('Paired with “Tablet”.');
    expect(text('paired-fingerprint')).toBe(tablet.fingerprint);
    expect(text('pairing-outcome')).toContain(harness.sync.device.fingerprint);
    expect(byTestId('pairing-code')).toBeNull();
    expect(text('pairing-close')).toBe('Done');
    await expect.poll(() => rowOf('Tablet')).toBeDefined();

    byTestId('pairing-close')!.click();
    await expect.poll(() => byTestId('pairing-dialog')).toBeNull();
    expect(document.activeElement).toBe(byTestId('pair-device-button'));
    // A finished invitation is not cancelled on the way out.
    expect(harness.sync.calls.some((call) => call.method === 'cancelPairing')).toBe(false);
  });

  test('a wrong try counts down; expired: says so and offers a new code, which starts again', async () => {
    const code = await startPairing();
    harness.sync.answerInvitation('0000-0000' === code ? '1111-1111' : '0000-0000', fakeDevice('Stranger'));
    await expect.poll(() => text('pairing-attempts')).toBe('2 tries left');

    harness.sync.expireInvitation();
    await expect.poll(() => byTestId('pairing-outcome')?.dataset.state).toBe('expired');
    expect(text('pairing-outcome')).toBe('This code has expired before another device used it.');
    expect(byTestId('pairing-code')).toBeNull();
    await expect.poll(focusedTestId).toBe('pairing-new-code');

    byTestId('pairing-new-code')!.click();
    await expect.poll(() => text('pairing-code')).toMatch(/^\d{4}-\d{4}$/);
    expect(text('pairing-code')).toBe(harness.sync.pairingState()!.code);
    expect(text('pairing-attempts')).toBe('3 tries left');
    expect(harness.sync.calls.filter((call) => call.method === 'startPairing')).toHaveLength(2);
  });

  test('three wrong codes wear it out: says so and offers a new code', async () => {
    const code = await startPairing();
    const wrong = code === '1111-1111' ? '2222-2222' : '1111-1111';
    for (let i = 0; i < 3; i++) harness.sync.answerInvitation(wrong, fakeDevice('Stranger'));
    await expect.poll(() => byTestId('pairing-outcome')?.dataset.state).toBe('exhausted');
    expect(text('pairing-outcome')).toBe('A wrong code was typed too many times, so this code no longer works.');
    expect(byTestId('pairing-new-code')).not.toBeNull();
  });

  test('Esc closes it and cancels the invitation; the settings stay open and the keyboard goes back to the button', async () => {
    await startPairing();
    const dialog = byTestId<HTMLDialogElement>('pairing-dialog')!;
    expect(dialog.getAttribute('aria-labelledby')).toBe('pairing-title');
    const escape = press('Escape', { target: byTestId('pairing-close')! });
    expect(escape.defaultPrevented).toBe(true);
    await expect.poll(() => byTestId('pairing-dialog')).toBeNull();
    await expect.poll(() => harness.sync.pairingState()?.state).toBe('cancelled');
    expect(byTestId<HTMLDialogElement>('settings-dialog')?.open).toBe(true);
    expect(document.activeElement).toBe(byTestId('pair-device-button'));
  });

  test('closing the settings while a code is shown cancels it too', async () => {
    await startPairing();
    byTestId('settings-close')!.click();
    await expect.poll(() => byTestId('settings-dialog')).toBeNull();
    await expect.poll(() => harness.sync.pairingState()?.state).toBe('cancelled');
  });
});

describe('joining another device (this one types the code)', () => {
  const code = () => byTestId<HTMLInputElement>('join-code')!;
  const peer = () => byTestId<HTMLInputElement>('join-peer')!;

  async function openJoin(): Promise<void> {
    await openDevicesPanel();
    byTestId('join-device-button')!.click();
    await expect.poll(() => byTestId<HTMLDialogElement>('join-dialog')?.open).toBe(true);
    expect(document.activeElement).toBe(code());
  }

  async function submit(): Promise<void> {
    byTestId('join-form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await nextTick();
  }

  test('checks each field when it is left and on Join, says why, and sends nothing until both are right', async () => {
    await openJoin();
    typeInto(code(), '1234-567');
    code().blur();
    await nextTick();
    expect(text('join-code-error')).toBe('A pairing code is 8 digits, like 1234-5678.');
    expect(code().getAttribute('aria-invalid')).toBe('true');
    expect(code().getAttribute('aria-describedby')).toBe(byTestId('join-code-error')!.id);

    for (const [typed, reason] of [
      ['192.168.1.20', 'Add the port after a colon: HOST:PORT.'],
      ['192.168.1.20:70000', 'The port is a number from 1 to 65535.'],
      ['192.168.1.300:47110', '“192.168.1.300” is not an IPv4 address.'],
      ['fe80::1:47110', 'Put an IPv6 address in brackets: [ADDRESS]:PORT.'],
      ['my_host:47110', '“my_host” is not a host name.'],
    ]) {
      peer().focus();
      typeInto(peer(), typed!);
      peer().blur();
      await nextTick();
      expect(text('join-peer-error')).toBe(reason);
    }

    // Join with both wrong: the keyboard goes to the first, nothing is sent.
    await submit();
    expect(document.activeElement).toBe(code());
    expect(harness.sync.calls.some((call) => call.method === 'join')).toBe(false);

    // The error goes as soon as the field is right.
    typeInto(code(), '1234 5678');
    await nextTick();
    expect(byTestId('join-code-error')).toBeNull();
    typeInto(peer(), '[::1]:47110');
    await nextTick();
    expect(byTestId('join-peer-error')).toBeNull();

    // The link the other device's QR code holds, pasted, fills in both.
    typeInto(code(), pairingLink('2468-1357', 'studio.local:47110'));
    await nextTick();
    expect([code().value, peer().value]).toEqual(['2468-1357', 'studio.local:47110']);
    expect(harness.sync.calls.some((call) => call.method === 'join')).toBe(false);
  });

  test('a rejected join says why in words: nothing at that address, then a wrong code; the fields stay for another try', async () => {
    await openJoin();
    typeInto(code(), '1234-5678');
    typeInto(peer(), ' 192.168.1.40:47110 ');
    await submit();
    await expect.poll(() => text('join-failure')).toBe('Could not pair: could not reach the device at 192.168.1.40:47110: nothing is listening there (is ClipShot running, and is the port right?)');
    expect(byTestId('join-failure')!.getAttribute('role')).toBe('alert');
    expect(code().value).toBe('1234-5678');
    expect(document.activeElement).toBe(code());

    harness.sync.others.set('192.168.1.40:47110', { code: '8765-4321', device: fakeDevice('Office PC') });
    await submit();
    await expect.poll(() => text('join-failure')).toBe('Could not pair: the other device did not accept that code: check the code it shows and type it again');
    // What reached sync: the code's 8 digits and the address without its spaces.
    expect(harness.sync.calls.filter((call) => call.method === 'join').map((call) => call.args)).toEqual([
      ['12345678', '192.168.1.40:47110'],
      ['12345678', '192.168.1.40:47110'],
    ]);
  });

  test('busy while joining, then names the device and its fingerprint; it is in the list', async () => {
    await openJoin();
    const office = fakeDevice('Office PC', { online: true });
    harness.sync.others.set('office.local:47110', { code: '8765-4321', device: office });
    // The other device takes a moment to answer.
    let answer!: () => void;
    const join = harness.sync.join.bind(harness.sync);
    harness.sync.join = async (...args) => {
      await new Promise<void>((resolve) => (answer = resolve));
      return join(...args);
    };
    typeInto(code(), '87654321');
    typeInto(peer(), 'office.local:47110');
    await submit();
    await expect.poll(() => byTestId('join-submit')?.textContent?.trim()).toBe('Joining…');
    expect(byTestId<HTMLButtonElement>('join-submit')!.disabled).toBe(true);
    expect(byTestId('join-form')!.getAttribute('aria-busy')).toBe('true');
    expect(code().readOnly).toBe(true);
    expect(text('join-busy')).toBe('Pairing with office.local:47110…');
    await expect.poll(() => typeof answer).toBe('function');
    answer();

    await expect.poll(() => text('joined-fingerprint')).toBe(office.fingerprint);
    expect(text('join-result')).toContain('Paired with “Office PC”.');
    expect(text('join-result')).toContain(harness.sync.device.fingerprint);
    await expect.poll(focusedTestId).toBe('join-done');
    await expect.poll(() => rowOf('Office PC')).toBeDefined();
    byTestId('join-done')!.click();
    await expect.poll(() => byTestId('join-dialog')).toBeNull();
    expect(document.activeElement).toBe(byTestId('join-device-button'));
  });
});
