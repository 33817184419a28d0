import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceView } from '../../contract/devices.js';
import { collect, startCli, waitForLine } from '../helpers/cli.js';
import { writePng } from '../helpers/fixtures.js';
import { pairDevices, startDevice, stopAllDevices, waitForConvergence } from '../helpers/sync-devices.js';
import { tempDir } from '../helpers/temp.js';

afterEach(stopAllDevices);

interface DevicesAnswer {
  self: DeviceView;
  devices: DeviceView[];
}

describe('pairing two devices and syncing between them', () => {
  it('pairs through a short code, then an import on one and an edit on the other reach both', async () => {
    const root = await tempDir('sync-pair-');
    const laptop = await startDevice(root, 'laptop');
    const desktop = await startDevice(root, 'desktop');
    await pairDevices(laptop, desktop);

    const seenByLaptop = await laptop.json<DevicesAnswer>(['devices']);
    const seenByDesktop = await desktop.json<DevicesAnswer>(['devices']);
    expect(seenByLaptop.devices.map((device) => device.fingerprint)).toEqual([seenByDesktop.self.fingerprint]);
    expect(seenByDesktop.devices.map((device) => device.fingerprint)).toEqual([seenByLaptop.self.fingerprint]);
    expect(seenByLaptop.self.fingerprint).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    await expect.poll(async () => (await laptop.json<DevicesAnswer>(['devices'])).devices[0]?.online).toBe(true);

    const picture = await writePng(root, 'shot.png', 1);
    const imported = await laptop.cli(['import', picture, '--json']);
    expect(imported.code).toBe(0);
    const clipId = (JSON.parse(imported.stdout.split('\n')[0]!) as { id: string }).id;
    await expect.poll(async () => (await desktop.cli(['show', clipId, '--json'])).code, { timeout: 20_000 }).toBe(0);

    expect((await desktop.cli(['tag', clipId, '--add', 'from-desktop'])).code).toBe(0);
    expect((await desktop.cli(['edit', clipId, '--title', 'Renamed on the desktop'])).code).toBe(0);
    await expect
      .poll(async () => JSON.parse((await laptop.cli(['show', clipId, '--json'])).stdout) as { tags: string[]; title: string }, { timeout: 20_000 })
      .toMatchObject({ tags: ['from-desktop'], title: 'Renamed on the desktop' });

    // The thumbnail came eagerly; the original comes when it is asked for, verified.
    const digest = await waitForConvergence([laptop, desktop], 60_000, { blobs: false });
    expect(digest.clips).toBe(1);
    // The laptop holds the original and its thumbnail; the desktop fetched the thumbnail only.
    await expect.poll(async () => (await desktop.digest()).blobCount).toBe(1);
    expect((await laptop.digest()).blobCount).toBe(2);
    const exported = await desktop.cli(['export', clipId, '--original', '--out', `${root}/copy.png`]);
    expect(exported.code).toBe(0);
    expect(await fs.readFile(`${root}/copy.png`)).toEqual(await fs.readFile(picture));
    expect((await desktop.digest()).blobCount).toBe(2);
  });

  it('refuses a wrong code, and after three wrong codes refuses even the right one', async () => {
    const root = await tempDir('sync-pair-');
    const laptop = await startDevice(root, 'laptop');
    const phone = await startDevice(root, 'phone');
    const inviter = startCli(['--library', laptop.dir, 'pair', '--json']);
    const { invitation } = JSON.parse(await waitForLine(inviter, /"invitation"/)) as { invitation: { code: string } };
    const inviterResult = collect(inviter);
    const wrong = invitation.code === '0000-0000' ? '1111-1111' : '0000-0000';
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await phone.cli(['pair', wrong, '--peer', laptop.syncAddress]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/did not match/i);
    }
    const tooLate = await phone.cli(['pair', invitation.code, '--peer', laptop.syncAddress]);
    expect(tooLate.code).toBe(1);
    const shown = await inviterResult;
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/too many wrong codes/);
    expect((await laptop.json<DevicesAnswer>(['devices'])).devices).toEqual([]);
    expect((await phone.json<DevicesAnswer>(['devices'])).devices).toEqual([]);
  });

  it('unpair closes the connection, and the revoked device gets nothing new and cannot reconnect', async () => {
    const root = await tempDir('sync-pair-');
    const laptop = await startDevice(root, 'laptop');
    const stolen = await startDevice(root, 'stolen');
    await pairDevices(laptop, stolen);
    await expect.poll(async () => (await stolen.json<DevicesAnswer>(['devices'])).devices[0]?.online).toBe(true);

    const unpaired = await laptop.cli(['unpair', 'stolen']);
    expect(unpaired.code).toBe(0);
    expect(unpaired.stdout).toMatch(/refused from now on/);
    await expect.poll(async () => (await stolen.json<DevicesAnswer>(['devices'])).devices[0]?.online).toBe(false);
    expect((await laptop.json<DevicesAnswer>(['devices'])).devices).toEqual([]);

    const picture = await writePng(root, 'secret.png', 2);
    expect((await laptop.cli(['import', picture])).code).toBe(0);
    const reconnect = await stolen.cli(['sync', 'connect', laptop.syncAddress]);
    expect(reconnect.code).toBe(1);
    expect(reconnect.stderr).toMatch(/not paired|closed|handshake/i);
    expect((await stolen.json<{ clips: number }>(['sync', 'digest'])).clips).toBe(0);
  });

  it('says plainly that pairing needs a running instance, and rejects malformed codes and addresses', async () => {
    const root = await tempDir('sync-pair-');
    const device = await startDevice(root, 'one');
    await device.stop();
    const offline = await device.cli(['pair']);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/works with a running ClipShot/);
    await device.restart();
    const badCode = await device.cli(['pair', 'not-a-code', '--peer', '127.0.0.1:9']);
    expect(badCode.code).not.toBe(0);
    expect(badCode.stderr).toMatch(/code/i);
    const badPeer = await device.cli(['pair', '1234-5678', '--peer', 'nowhere']);
    expect(badPeer.code).not.toBe(0);
    expect(badPeer.stderr).toMatch(/HOST:PORT/);
    const unreachable = await device.cli(['pair', '1234-5678', '--peer', '127.0.0.1:9']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach/);
  });
});
