// A window's Repo may be asked for a document before the core's side of its message port has
// answered (a busy machine, a window just opened): finding waits for the core instead of failing.
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, expect, test } from 'vitest';
import { whenCoreConnected } from '../../../renderer/src/documents/core-peer.js';
import type { AdapterPort } from '../../helpers/direct-api.js';

const repos: Repo[] = [];
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const timer of timers.splice(0)) clearTimeout(timer);
  await Promise.all(repos.splice(0).map((repo) => repo.shutdown()));
});

/** A core holding one document, and a window whose port the core starts answering `lateMs` later. */
function coreAnsweringLate(lateMs: number) {
  const channel = new MessageChannel();
  const window = new Repo({ network: [new MessageChannelNetworkAdapter(channel.port2 as unknown as AdapterPort)], peerId: 'window' as PeerId, sharePolicy: async () => true });
  const core = new Repo({ network: [], peerId: 'core' as PeerId, sharePolicy: async () => true });
  repos.push(window, core);
  const handle = core.create({ note: 'from the core' });
  timers.push(setTimeout(() => core.networkSubsystem.addNetworkAdapter(new MessageChannelNetworkAdapter(channel.port1 as unknown as AdapterPort)), lateMs));
  return { window, url: handle.url };
}

test('finding waits for the core to answer, then gets the document', async () => {
  const { window, url } = coreAnsweringLate(300);
  await whenCoreConnected(window);
  const found = await window.find<{ note: string }>(url);
  expect(found.doc().note).toBe('from the core');
});

test('without waiting, the same find fails: the adapter calls itself ready with no peer', async () => {
  const { window, url } = coreAnsweringLate(300);
  await expect(window.find(url)).rejects.toThrow(/unavailable/);
});

test('gives up waiting after the time allowed, so the failure can be reported', async () => {
  const { window } = coreAnsweringLate(60_000);
  const started = performance.now();
  await whenCoreConnected(window, 100);
  expect(window.peers).toEqual([]);
  expect(performance.now() - started).toBeGreaterThanOrEqual(90);
});
