// serve's /sync sockets (each browser tab's automerge-repo) under their message and byte budgets,
// against a real `clipshot serve` process: a raw WebSocket floods one socket and is cut off (close
// 4006, audited) while an honest tab's Repo keeps syncing; a tab whose own socket is cut off
// reconnects as the renderer's adapter does, and nothing it typed is lost.
import { randomBytes } from 'node:crypto';
import * as Automerge from '@automerge/automerge';
import { cbor, Repo, type AutomergeUrl, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClipDocumentRef } from '../../contract/api.js';
import type { AuditPage } from '../../contract/audit.js';
import type { ClipView } from '../../contract/clips.js';
import type { RateLimitsChange } from '../../contract/rate-limits.js';
import { clipChangeMessage, type ShardDoc } from '../../contract/shard-document.js';
import { startDevice, stopAllDevices, type Device } from '../helpers/sync-devices.js';
import { tempDir } from '../helpers/temp.js';

const repos: Repo[] = [];
afterEach(async () => {
  for (const repo of repos.splice(0)) await repo.shutdown();
  await stopAllDevices();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What the renderer's adapter waits before it reconnects (renderer/src/api/connect.ts). */
const SYNC_RETRY_MS = 1000;

function syncUrl(device: Device): string {
  return `${device.origin.replace('http', 'ws')}/sync?token=${device.token}`;
}

/** A tab's Repo on /sync, as the renderer makes it (no storage, retrying like the renderer). */
function openTab(device: Device, name: string): { repo: Repo; adapter: WebSocketClientAdapter } {
  const adapter = new WebSocketClientAdapter(syncUrl(device), SYNC_RETRY_MS);
  const repo = new Repo({ network: [adapter], peerId: `window-${name}` as PeerId, sharePolicy: async () => true });
  repos.push(repo);
  return { repo, adapter };
}

async function importText(device: Device, text: string): Promise<ClipDocumentRef> {
  const { clipId } = (await device.api('importText', { text, title: 'synced' })) as { clipId: string };
  // The device's own API session keeps the clip open to sync for the rest of the test.
  return (await device.api('openClipDocument', { id: clipId })) as ClipDocumentRef;
}

async function setTitle(device: Device, handle: DocHandle<ShardDoc>, clipId: string, title: string): Promise<void> {
  handle.change((doc) => {
    doc.clips[clipId]!.title = new Automerge.ImmutableString(title);
  }, { message: clipChangeMessage('edit', clipId) });
  await expect.poll(async () => ((await device.api('getClip', { id: clipId })) as ClipView).title, { timeout: 15_000 }).toBe(title);
}

async function rateLimitEntries(device: Device): Promise<AuditPage['entries']> {
  return ((await device.api('auditLog', { kind: 'rate-limit' })) as AuditPage).entries;
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('serve: the /sync socket of each tab has its own budget', { timeout: 120_000 }, () => {
  it('a socket flooding messages is closed (4006, "too many messages") and audited; an honest tab syncs on, before and after', async () => {
    const device = await startDevice(await tempDir('sync-socket-messages-'), 'a');
    const ref = await importText(device, 'a clip two tabs edit');
    await device.api('changeRateLimits', { limits: { 'serve-sync-messages': { burst: 50, rate: 20 } } } satisfies RateLimitsChange);

    const honest = openTab(device, 'honest');
    const shard = await honest.repo.find<ShardDoc>(ref.documentUrl as AutomergeUrl);
    await setTitle(device, shard, ref.clipId, 'before the flood');

    const flood = new WebSocket(syncUrl(device));
    await new Promise((resolve, reject) => flood.once('open', resolve).once('error', reject));
    const closed = closeOf(flood);
    // Well-formed automerge-repo messages from a peer that never joined: the core's adapter ignores
    // each one it is given, so only the limit can be what closes this socket.
    const noise = cbor.encode({ type: 'noise', senderId: 'flooder', targetId: 'core' });
    for (let i = 0; i < 500; i++) flood.send(noise);
    expect(await closed).toEqual({ code: 4006, reason: 'over its sync budget: too many messages' });

    await setTitle(device, shard, ref.clipId, 'after the flood');
    await expect.poll(async () => (await rateLimitEntries(device)).length).toBe(1);
    const [entry] = await rateLimitEntries(device);
    expect(entry!.details).toMatchObject({ limit: 'serve-sync-messages', action: 'disconnected', key: expect.stringMatching(/^serve-sync-\d+$/) as string });
  });

  it('a tab over its data budget is cut off, reconnects by itself, and what it wrote (the cut-off message too) reaches the core', async () => {
    const device = await startDevice(await tempDir('sync-socket-bytes-'), 'a');
    const ref = await importText(device, 'a clip with a long title');
    // 1 MiB at once, 1 MiB a second: the smallest budget.
    await device.api('changeRateLimits', { limits: { 'serve-sync-bytes': { burst: 1, rate: 1 } } } satisfies RateLimitsChange);

    const writing = openTab(device, 'writing');
    const shard = await writing.repo.find<ShardDoc>(ref.documentUrl as AutomergeUrl);
    await writing.adapter.whenReady();
    const firstSocket = writing.adapter.socket as unknown as WebSocket;
    const cut = closeOf(firstSocket);
    let isCut = false;
    void cut.then(() => (isCut = true));
    // Titles as long as a title may be (10,000 characters), forty every 100 ms: about three times
    // the budget, so the socket is cut off within a few seconds. (Scalars: typing as many
    // characters into a text would cost Automerge seconds.)
    let title = '';
    for (let tick = 0; tick < 100 && !isCut; tick++) {
      for (let i = 0; i < 40; i++) {
        const written = (title = `${tick}.${i} ${randomBytes(6 * 1024).toString('base64')}`);
        shard.change((doc) => {
          doc.clips[ref.clipId]!.title = new Automerge.ImmutableString(written);
        }, { message: clipChangeMessage('edit', ref.clipId) });
      }
      await sleep(100);
    }
    expect(await cut).toEqual({ code: 4006, reason: 'over its sync budget: too much data' });
    // Written while the socket is down: kept in the tab's Repo until it is back.
    shard.change((doc) => {
      doc.clips[ref.clipId]!.tags['written-while-cut-off'] = true;
    }, { message: clipChangeMessage('tag', ref.clipId) });

    // The last title never went out on the first socket (the gate drops everything from the cut on).
    await expect.poll(async () => (await device.api('getClip', { id: ref.clipId })) as ClipView, { timeout: 30_000, interval: 250 }).toMatchObject({ title, tags: ['written-while-cut-off'] });
    expect(writing.adapter.socket).not.toBe(firstSocket);
    const entries = await rateLimitEntries(device);
    expect(entries.map((entry) => entry.details)).toContainEqual(expect.objectContaining({ limit: 'serve-sync-bytes', action: 'disconnected' }));
  });
});
