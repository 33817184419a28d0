import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClipView } from '../../contract/clips.js';
import { writePng } from '../helpers/fixtures.js';
import { pairDevices, startDevice, stopAllDevices, waitForConvergence, type Device } from '../helpers/sync-devices.js';
import { tempDir } from '../helpers/temp.js';

afterEach(stopAllDevices);

async function importPictures(device: Device, root: string, count: number, seed: number): Promise<string[]> {
  const folder = path.join(root, `${device.name}-pictures`);
  await fs.mkdir(folder, { recursive: true });
  for (let i = 0; i < count; i++) await writePng(folder, `p${i}.png`, seed * 1000 + i);
  const imported = await device.cli(['import', folder, '--json']);
  expect(imported.code).toBe(0);
  return imported.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id?: string })
    .flatMap((line) => (line.id ? [line.id] : []));
}

async function allClips(device: Device): Promise<ClipView[]> {
  const page = (await device.api('listClips', { limit: 1000 })) as { items: ClipView[] };
  return page.items.sort((a, b) => a.id.localeCompare(b.id));
}

describe('sync under faults, with real processes on loopback', { timeout: 180_000 }, () => {
  it('three devices that each made hundreds of edits offline converge to identical libraries', async () => {
    const root = await tempDir('sync-three-');
    // Every connection crosses a proxy, so the test can take the links down and bring them back.
    const [a, b, c] = [await startDevice(root, 'a', { proxied: true, keepOriginals: true }), await startDevice(root, 'b', { proxied: true, keepOriginals: true }), await startDevice(root, 'c', { proxied: true, keepOriginals: true })];
    const links = [a.link!, b.link!, c.link!];
    await pairDevices(a, b);
    await pairDevices(a, c);
    const shared = await importPictures(a, root, 20, 1);
    await waitForConvergence([a, b, c]);

    for (const link of links) {
      link.pause();
      link.cut();
    }
    await expect.poll(async () => (await a.status()).devices.every((device) => !device.online)).toBe(true);

    // Offline: every device tags every shared clip (merged, not lost), retitles some of them
    // (conflicts resolved the same way everywhere), and imports clips of its own.
    const own = new Map<Device, string[]>();
    for (const [index, device] of [a, b, c].entries()) {
      own.set(device, await importPictures(device, root, 10, index + 2));
      for (const id of shared) {
        await device.api('changeTags', { id, add: [`seen-by-${device.name}`, `round-${index}`] });
        await device.api('editClip', { id, notes: `note from ${device.name}` });
      }
      for (const id of shared.slice(0, 5)) await device.api('editClip', { id, title: `title from ${device.name}` });
    }

    for (const link of links) link.resume();
    // Reconnect now rather than at the next retry, which backs off to half a minute.
    expect((await b.cli(['sync', 'connect', a.syncAddress])).code).toBe(0);
    expect((await c.cli(['sync', 'connect', a.syncAddress])).code).toBe(0);
    const digest = await waitForConvergence([a, b, c], 90_000);
    expect(digest.clips).toBe(50);
    const [clipsA, clipsB, clipsC] = [await allClips(a), await allClips(b), await allClips(c)];
    expect(clipsB).toEqual(clipsA);
    expect(clipsC).toEqual(clipsA);
    for (const clip of clipsA.filter((candidate) => shared.includes(candidate.id))) {
      expect(clip.tags).toEqual(expect.arrayContaining(['seen-by-a', 'seen-by-b', 'seen-by-c', 'round-0', 'round-1', 'round-2']));
    }
    const retitled = clipsA.filter((clip) => shared.slice(0, 5).includes(clip.id)).map((clip) => clip.title);
    expect(retitled.every((title) => /^title from [abc]$/.test(title))).toBe(true);
    for (const device of [a, b, c]) for (const id of own.get(device)!) expect(clipsA.some((clip) => clip.id === id)).toBe(true);
  });

  it('a device killed with SIGKILL in the middle of a large sync resumes after a restart and loses nothing', async () => {
    const root = await tempDir('sync-kill-');
    const source = await startDevice(root, 'source', { keepOriginals: true });
    const imported = await importPictures(source, root, 300, 7);
    const fresh = await startDevice(root, 'fresh', { keepOriginals: true });
    await pairDevices(source, fresh);
    await expect.poll(async () => (await fresh.digest()).clips, { interval: 20 }).toBeGreaterThan(0);
    await fresh.kill();
    await fresh.restart();
    const digest = await waitForConvergence([source, fresh], 90_000);
    expect(digest.clips).toBe(imported.length);
    expect(digest.blobCount).toBe(2 * imported.length);
    const verify = await fresh.cli(['verify', '--json']);
    expect(verify.code).toBe(0);
  });

  it('through a link that delays, cuts and truncates, sync finishes intact once the link is back', async () => {
    const root = await tempDir('sync-proxy-');
    const a = await startDevice(root, 'a', { proxied: true, keepOriginals: true });
    const b = await startDevice(root, 'b', { proxied: true, keepOriginals: true });
    await pairDevices(a, b);
    const links = [a.link!, b.link!];
    const imported = await importPictures(a, root, 60, 3);

    for (const link of links) {
      link.setDelay(30);
      link.setTruncateAfter(20_000);
    }
    // Each truncated connection is cut and dialled again, a few times over.
    await expect.poll(() => links[0]!.stats.connections + links[1]!.stats.connections, { timeout: 45_000 }).toBeGreaterThan(4);
    for (const link of links) {
      link.cut();
      link.setTruncateAfter(null);
      link.setDelay(0);
    }
    const digest = await waitForConvergence([a, b], 90_000);
    expect(digest.clips).toBe(imported.length);
    expect((await b.cli(['verify', '--json'])).code).toBe(0);
  });
});
