// What a device advertises to its peers decides whether they send it a document whole or as changes.
import * as Automerge from '@automerge/automerge';
import { cbor, type Message, type PeerId } from '@automerge/automerge-repo';
import { afterEach, expect, it } from 'vitest';
import { importText } from '../../../main/library/importer.js';
import { shardOfClip } from '../../../main/library/ids.js';
import { DeviceNetworkAdapter } from '../../../main/sync/connection/device-network-adapter.js';
import type { SecureSession } from '../../../main/sync/connection/secure-session.js';
import { createTestLibrary } from '../../helpers/library.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const capabilitiesOf = (data: Uint8Array) => (Automerge.decodeSyncMessage(data) as { supportedCapabilities?: string[] }).supportedCapabilities ?? [];

/** An adapter with one peer, and what it sends that peer (decoded). */
function adapterWithPeer(wantsWholeDocument: (documentId: string, heads: readonly string[]) => boolean) {
  const peerId = 'device-peer' as PeerId;
  const sent: Message[] = [];
  const adapter = new DeviceNetworkAdapter();
  adapter.localDeviceId = 'device-local';
  adapter.connect('repo-local' as PeerId);
  adapter.addSession({ peerId, closed: false, send: (_channel: number, body: Uint8Array) => void sent.push(cbor.decode(body) as Message) } as unknown as SecureSession);
  adapter.wantsWholeDocument = wantsWholeDocument;
  const send = (type: 'sync' | 'request' | 'ephemeral', data: Uint8Array) => {
    adapter.send({ type, senderId: 'repo-local', targetId: peerId, documentId: 'doc', data, ...(type === 'ephemeral' && { count: 1, sessionId: 's' }) } as Message);
    return new Uint8Array((sent.at(-1) as { data: Uint8Array }).data);
  };
  return { send };
}

it('advertises whole documents only for a document the device holds nothing of yet', () => {
  const asked: (readonly string[])[] = [];
  const { send } = adapterWithPeer((_documentId, heads) => (asked.push(heads), heads.length === 0));
  const held = Automerge.from({ x: 1 });
  const [, aboutHeld] = Automerge.generateSyncMessage(held, Automerge.initSyncState());
  const [, aboutNothing] = Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState());
  expect(capabilitiesOf(aboutHeld!).length).toBeGreaterThan(0);

  expect(capabilitiesOf(send('sync', aboutHeld!))).toEqual([]);
  expect(capabilitiesOf(send('request', aboutHeld!))).toEqual([]);
  expect(send('sync', aboutNothing!)).toEqual(aboutNothing);
  expect(asked).toEqual([Automerge.getHeads(held), Automerge.getHeads(held), []]);
  // Not a sync message: left alone whatever its bytes.
  expect(send('ephemeral', aboutHeld!)).toEqual(aboutHeld);
});

it('counts a shard as held only once something was added to it', async () => {
  const { library } = await createTestLibrary();
  cleanups.push(() => library.close());
  const imported = await importText(library, 'the first clip of its shard');
  if (imported.type !== 'imported') throw new Error(`not imported: ${JSON.stringify(imported)}`);
  const changed = shardOfClip(imported.id);
  const untouched = (changed + 1) % 256;
  const heads = async (shard: number) => Automerge.getHeads((await library.write(() => library.shards.handle(shard))).doc());

  expect(library.shards.isGenesis(library.shards.documentId(untouched), await heads(untouched))).toBe(true);
  expect(library.shards.isGenesis(library.shards.documentId(changed), await heads(changed))).toBe(false);
  // Another shard's start, another document, or more than one head: not this shard's start.
  expect(library.shards.isGenesis(library.shards.documentId(changed), await heads(untouched))).toBe(false);
  expect(library.shards.isGenesis(library.settings.documentId, await heads(untouched))).toBe(false);
  expect(library.shards.isGenesis(library.shards.documentId(untouched), [...(await heads(untouched)), ...(await heads(changed))])).toBe(false);
});

