// Automerge counts the changes it sent as received. A message lost or refused on the way leaves two
// libraries apart, each waiting on the other, until the exchange starts afresh.
import * as Automerge from '@automerge/automerge';
import type { Message, PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import type { MessagePort } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { shardOfClip } from '../../../main/library/ids.js';
import { importText } from '../../../main/library/importer.js';
import type { Library } from '../../../main/library/library.js';
import { createTestLibrary } from '../../helpers/library.js';
import type { AdapterPort } from '../../helpers/direct-api.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openLibrary(): Promise<Library> {
  const { library } = await createTestLibrary();
  // Like a connected device's: every loaded document is exchanged.
  library.setDevicePolicy(() => true);
  cleanups.push(() => library.close());
  return library;
}

/** The adapter posts a sync message's data as an ArrayBuffer (to transfer it). */
function carriesChanges(message: Message): boolean {
  if (message.type !== 'sync' || message.data === undefined) return false;
  return Automerge.decodeSyncMessage(new Uint8Array(message.data as Uint8Array | ArrayBuffer)).changes.length > 0;
}

/** A port that loses the first message `lose` picks; `lost` says whether it has. */
function lossyPort(port: MessagePort, lose: (message: Message) => boolean): { port: AdapterPort; lost: () => boolean } {
  let lost = false;
  const wrapped = {
    postMessage: (message: Message) => {
      if (!lost && lose(message)) {
        lost = true;
        return;
      }
      port.postMessage(message);
    },
    addEventListener: port.addEventListener.bind(port),
    removeEventListener: port.removeEventListener.bind(port),
    start: port.start.bind(port),
    close: port.close.bind(port),
  };
  return { port: wrapped as unknown as AdapterPort, lost: () => lost };
}

/** The clip's title in the library's loaded shard, or null while the shard lacks it. */
function titleIn(library: Library, shard: number, clipId: string): string | null {
  const handle = library.repo.handles[library.shards.documentId(shard)];
  const title = handle?.isReady() ? handle.doc().clips[clipId]?.title : undefined;
  return title === undefined ? null : String(title);
}

it('a shard whose message with changes was lost converges once its exchange with the peer starts afresh', async () => {
  const [sender, receiver] = [await openLibrary(), await openLibrary()];
  const imported = await importText(sender, 'sent but lost on the way');
  if (imported.type !== 'imported') throw new Error(`not imported: ${JSON.stringify(imported)}`);
  const shard = shardOfClip(imported.id);
  const title = sender.get(imported.id).title;
  // Both hold the shard loaded, as devices do while its digests differ.
  await sender.write(() => sender.shards.pin(shard));
  await receiver.write(() => receiver.shards.pin(shard));

  const channel = new MessageChannel();
  const link = lossyPort(channel.port1, carriesChanges);
  sender.connectPeers(new MessageChannelNetworkAdapter(link.port));
  receiver.connectPeers(new MessageChannelNetworkAdapter(channel.port2 as unknown as AdapterPort));
  cleanups.push(() => channel.port1.close());

  await expect.poll(link.lost, { timeout: 10_000 }).toBe(true);
  // Without a new start the exchange never resumes: neither side sends again.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(titleIn(receiver, shard, imported.id)).toBeNull();

  sender.restartExchange(sender.shards.documentId(shard), receiver.repo.peerId as PeerId);
  await expect.poll(() => titleIn(receiver, shard, imported.id), { timeout: 10_000 }).toBe(title);
});

it('leaves a document alone that is not being exchanged with that peer', async () => {
  const library = await openLibrary();
  const shard = 7;
  await library.write(() => library.shards.pin(shard));
  const documentId = library.shards.documentId(shard);
  library.restartExchange(documentId, 'device-never-connected' as PeerId);
  expect(library.repo.synchronizer.docSynchronizers[documentId]?.hasPeer('device-never-connected' as PeerId)).toBe(false);
});
