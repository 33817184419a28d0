import * as Automerge from '@automerge/automerge';
import { cbor } from '@automerge/automerge-repo';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../contract/audit.js';
import type { ClipView } from '../../contract/clips.js';
import type { SyncStatus } from '../../contract/devices.js';
import type { PersonView, SharedCollectionView } from '../../contract/sharing.js';
import { detailDocumentId } from '../../main/library/documents/detail-documents.js';
import { SYNCED_DOCUMENT_NAMESPACE } from '../../main/library/documents/document-namespace.js';
import { findStoredDocument } from '../../main/library/documents/loaded-documents.js';
import { settingsDocumentId } from '../../main/library/documents/settings-document.js';
import { shardDocumentId } from '../../main/library/documents/shard-documents.js';
import { shardOfClip } from '../../main/library/ids.js';
import { Library } from '../../main/library/library.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { decodeBlobMessage, encodeRequest } from '../../main/sync/blobs/blob-protocol.js';
import { openSocket } from '../../main/sync/connection/dialer.js';
import { establishSession, toBytes, type SecureSession } from '../../main/sync/connection/secure-session.js';
import { Channel, PAIR_PATH } from '../../main/sync/connection/wire.js';
import { generateStaticKeyPair } from '../../main/sync/crypto/noise-xx.js';
import { identityFromKeys } from '../../main/sync/device-identity.js';
import { joinPairing } from '../../main/sync/pairing/pairing-session.js';
import { loadOrCreatePersonIdentity } from '../../main/sync/people/person-identity.js';
import { collectionDocumentId } from '../../main/sync/sharing/collection-schema.js';
import { collect, startCli, TEST_PASSPHRASE, waitForLine } from '../helpers/cli.js';
import { writePng, writeText } from '../helpers/fixtures.js';
import { pairDevices, startDevice, stopAllDevices, waitForConvergence, type Device } from '../helpers/sync-devices.js';
import { tempDir } from '../helpers/temp.js';

afterEach(stopAllDevices);

async function importOne(device: Device, file: string): Promise<string> {
  const result = await device.cli(['import', file]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim().split(/\s+/)[0]!;
}

const personOf = async (device: Device) => (await device.json<{ person: PersonView }>(['person', 'show'])).person;
const shares = async (device: Device) => (await device.json<{ collections: SharedCollectionView[]; rejectedChanges: number }>(['share', 'list']));
const sharedClips = async (device: Device, collection: string) => {
  const result = await device.cli(['shared', collection, '--json']);
  return result.code === 0 ? (JSON.parse(result.stdout) as { clips: ClipView[] }).clips : [];
};
const titles = async (device: Device, collection: string) => new Map((await sharedClips(device, collection)).map((clip) => [clip.id, clip.title]));

/**
 * What a tampered ClipShot on the viewer's device would do: write a change to a shared collection's
 * entries under its own bound actor, straight into its library (its honest CLI refuses), then sync.
 */
async function tamperedEdit(device: Device, collectionId: string, clipId: string, title: string): Promise<void> {
  const person = await personOf(device);
  await device.stop();
  const library = await Library.open(device.dir, { method: 'passphrase', passphrase: TEST_PASSPHRASE });
  try {
    const documentId = collectionDocumentId(collectionId, 'entries');
    const handle = await findStoredDocument<{ clips: Record<string, { title: unknown }> }>(library.repo, documentId);
    const actor = `${person.id.slice('person-'.length)}${device.deviceId.slice('device-'.length)}` as Automerge.ActorId;
    handle.update((doc) => Automerge.change(Automerge.clone(doc, { actor }), (draft) => {
      draft.clips[clipId]!.title = new Automerge.ImmutableString(title);
    }));
    await library.repo.flush([documentId]);
  } finally {
    await library.close();
  }
  await device.restart();
}

describe('people, roles and shared collections', { timeout: 240_000 }, () => {
  it('gives another person only the shared collection, rejects a viewer\'s and a revoked person\'s changes, takes an editor\'s', async () => {
    const root = await tempDir('sync-sharing-');
    const a1 = await startDevice(root, 'a1');
    const a2 = await startDevice(root, 'a2');
    const b = await startDevice(root, 'bob');
    // A's two devices come to hold one person key.
    await pairDevices(a1, a2);
    const alice = await personOf(a1);
    await expect.poll(async () => (await personOf(a2)).id, { timeout: 15_000 }).toBe(alice.id);
    const bob = await personOf(b);
    expect(bob.id).not.toBe(alice.id);

    const photo = await importOne(a1, await writePng(root, 'trip.png', 3));
    const note = await importOne(a1, await writeText(root, 'trip.txt', 'the ferry leaves at nine'));
    const work = await importOne(a1, await writeText(root, 'work.txt', 'quarterly numbers'));
    const secret = await importOne(a1, await writeText(root, 'secret.txt', 'a private note'));
    await a1.api('bulkCollections', { selection: { ids: [photo, note] }, add: ['Trip'] });
    await a1.api('bulkCollections', { selection: { ids: [work] }, add: ['Work'] });
    await waitForConvergence([a1, a2], 60_000, { blobs: false });

    // Bob's device is another person's, paired with both of Alice's.
    await pairDevices(a1, b, { person: true });
    await pairDevices(a2, b, { person: true });
    await expect.poll(async () => (await personOf(a1)).id).toBe(alice.id);
    await expect.poll(async () => (await a1.json<{ people: PersonView[] }>(['person', 'show'])).people.map((person) => person.id), { timeout: 10_000 }).toEqual([bob.id]);

    // Shared as viewer: Bob's device gets the collection's clips and thumbnail, nothing private.
    expect((await a1.cli(['share', 'Trip', 'bob', '--role', 'viewer'])).code).toBe(0);
    await expect.poll(async () => (await sharedClips(b, 'Trip')).map((clip) => clip.id).sort(), { timeout: 30_000 }).toEqual([photo, note].sort());
    const trip = (await shares(a1)).collections.find((view) => view.name === 'Trip')!;
    expect(trip.members.map((member) => [member.personId, member.role])).toEqual([[alice.id, 'owner'], [bob.id, 'viewer']]);
    await expect.poll(async () => (await b.status()).progress.blobsFetched, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await b.json<{ items: ClipView[] }>(['list'])).items).toEqual([]);
    expect(JSON.stringify(await sharedClips(b, 'Trip'))).not.toContain('private note');
    expect((await shares(b)).collections.map((view) => [view.name, view.role])).toEqual([['Trip', 'viewer']]);

    // Bob's honest CLI refuses a viewer's edit; a tampered one sends it, and every other device keeps it out.
    const refused = await b.cli(['shared', 'edit', 'Trip', note, '--title', 'viewer was here']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/view this collection, not change it/);
    await tamperedEdit(b, trip.id, note, 'viewer was here');
    for (const device of [a1, a2]) {
      await expect.poll(async () => (await device.status()).sharing?.rejectedChanges ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
      expect((await titles(device, 'Trip')).get(note)).not.toBe('viewer was here');
      const audit = await device.json<AuditEntryView[]>(['audit', '--kind', 'change-rejected']);
      expect(audit[0]).toMatchObject({ kind: 'change-rejected', actor: { type: 'person', id: bob.id }, details: { collection: trip.id, reason: 'role' } });
    }
    expect((await a1.json<{ items: ClipView[] }>(['list', '--collection', 'Trip'])).items.map((clip) => clip.title)).not.toContain('viewer was here');

    // Work, through the API the app uses: viewer, then editor; the editor's change is taken on every
    // device, into Alice's own clip too. An editor does not decide who sees it.
    const workShared = (await a1.api('shareCollection', { collection: 'Work', person: bob.id, role: 'viewer' })) as SharedCollectionView;
    // Once shared, the app names it by its id.
    const work2 = (await a1.api('shareCollection', { collection: workShared.id, person: bob.id, role: 'editor' })) as SharedCollectionView;
    expect(work2.members.map((member) => [member.personId, member.role])).toEqual([[alice.id, 'owner'], [bob.id, 'editor']]);
    await expect.poll(async () => (await shares(b)).collections.find((view) => view.name === 'Work')?.role, { timeout: 30_000 }).toBe('editor');
    await expect(b.api('shareCollection', { collection: 'Work', person: alice.id, role: 'viewer' })).rejects.toMatchObject({ data: { code: 'unauthorized' } });
    await expect(b.api('editSharedClip', { collection: 'Nowhere', clipId: work, title: 'x' })).rejects.toMatchObject({ data: { code: 'not-found' } });
    await expect.poll(async () => ((await b.api('sharedClips', { collection: 'Work' })) as { clips: ClipView[] }).clips.map((clip) => clip.id), { timeout: 30_000 }).toEqual([work]);
    expect(((await b.api('editSharedClip', { collection: 'Work', clipId: work, title: 'edited by bob' })) as ClipView).title).toBe('edited by bob');
    for (const device of [a1, a2]) {
      await expect.poll(async () => (await titles(device, 'Work')).get(work), { timeout: 30_000 }).toBe('edited by bob');
      await expect.poll(async () => (await device.json<ClipView>(['show', work])).title, { timeout: 30_000 }).toBe('edited by bob');
    }
    const rejectedBefore = (await a1.status()).sharing!.rejectedChanges;

    // Revoked: Bob's device gets nothing new, and its (still editor-believing) change is rejected.
    expect(((await a1.api('unshareCollection', { collection: 'Work', person: 'bob' })) as SharedCollectionView).members.find((member) => member.personId === bob.id)?.role).toBe('revoked');
    await expect.poll(async () => (await shares(a2)).collections.find((view) => view.name === 'Work')?.members.find((member) => member.personId === bob.id)?.role, { timeout: 30_000 }).toBe('revoked');
    expect((await a1.cli(['edit', work, '--title', 'after the revocation'])).code).toBe(0);
    await expect.poll(async () => (await titles(a2, 'Work')).get(work), { timeout: 30_000 }).toBe('after the revocation');
    expect((await b.cli(['shared', 'edit', 'Work', work, '--title', 'bob after revocation'])).code).toBe(0);
    await expect.poll(async () => (await a1.status()).sharing!.rejectedChanges, { timeout: 30_000 }).toBeGreaterThan(rejectedBefore);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await titles(b, 'Work')).get(work)).toBe('bob after revocation');
    expect((await titles(a1, 'Work')).get(work)).toBe('after the revocation');
    expect((await titles(a2, 'Work')).get(work)).toBe('after the revocation');
    expect((await shares(b)).collections.find((view) => view.name === 'Work')?.role).toBe('editor');
    expect((await a1.json<ClipView>(['show', secret])).title).not.toBe('');
    // Shares, role changes and the revocation are in the owner's audit log, which still verifies.
    const shared = await a1.json<AuditEntryView[]>(['audit', '--kind', 'share']);
    expect(shared.map((entry) => [entry.details.person, entry.details.role])).toEqual([[bob.id, 'viewer'], [bob.id, 'viewer'], [bob.id, 'editor']]);
    expect((await a1.json<AuditEntryView[]>(['audit', '--kind', 'unshare'])).map((entry) => entry.details.person)).toEqual([bob.id]);
    expect((await a1.cli(['audit', '--verify'])).code).toBe(0);
    const status: SyncStatus = await b.status();
    expect(status.devices.every((device) => device.online)).toBe(true);
  });
});

describe('a person without access', { timeout: 120_000 }, () => {
  it('asks for documents and blobs by id and gets nothing, not even "unavailable"', async () => {
    const root = await tempDir('sync-sharing-ask-');
    const a = await startDevice(root, 'a');
    const photo = await importOne(a, await writePng(root, 'private.png', 5));
    const trip = await importOne(a, await writeText(root, 'trip.txt', 'ferry at nine'));
    const work = await importOne(a, await writeText(root, 'work.txt', 'numbers'));
    await a.api('bulkCollections', { selection: { ids: [trip] }, add: ['Trip'] });
    await a.api('bulkCollections', { selection: { ids: [work] }, add: ['Work'] });
    const privateClip = await a.json<ClipView>(['show', photo]);

    // Mallory's device, another person's, paired with A's (`pair --person` there) through the real protocol.
    const device = identityFromKeys(generateStaticKeyPair());
    const person = await loadOrCreatePersonIdentity(new MemorySecretStore(), 'mallory');
    const inviter = startCli(['--library', a.dir, 'pair', '--json', '--person']);
    const { invitation } = JSON.parse(await waitForLine(inviter, /"invitation"/)) as { invitation: { code: string } };
    const inviterResult = collect(inviter);
    const pairSocket = await openSocket(a.syncAddress, PAIR_PATH);
    await joinPairing(
      {
        send: (message) => pairSocket.send(message),
        onMessage: (listener) => pairSocket.on('message', (data) => listener(toBytes(data))),
        onClose: (listener) => pairSocket.on('close', () => listener()),
        close: () => pairSocket.close(),
      },
      invitation.code,
      { publicKey: device.keys.publicKey, name: 'mallory', syncPort: null },
    );
    pairSocket.close();
    expect((await inviterResult).code).toBe(0);

    // Without a certificate from its person, another person's device is refused outright.
    const bare = await establishSession(await openSocket(a.syncAddress), { role: 'initiator', identity: device, hello: { v: 1, name: 'mallory', storageId: null, syncPort: null }, isTrusted: () => true });
    await expect.poll(() => bare.closed, { timeout: 10_000 }).toBe(true);

    const socket = await openSocket(a.syncAddress);
    const session: SecureSession = await establishSession(socket, {
      role: 'initiator',
      identity: device,
      hello: { v: 1, name: 'mallory', storageId: null, syncPort: null, person: person.certify(device.keys.publicKey) },
      isTrusted: () => true,
    });
    const answers = new Map<string, number>();
    const blobAnswers: string[] = [];
    let counting = false;
    session.onMessage((channel, body) => {
      if (!counting) return;
      if (channel === Channel.repo) {
        const { documentId } = cbor.decode(body) as { documentId?: string };
        if (documentId) answers.set(documentId, (answers.get(documentId) ?? 0) + 1);
      } else if (channel === Channel.blobs) {
        const message = decodeBlobMessage(body);
        if (message?.type === 'missing') blobAnswers.push(`${message.id} missing ${message.reason}`);
        else if (message?.type === 'data') blobAnswers.push(`${message.id} data`);
      }
    });
    await expect.poll(async () => (await a.json<{ people: PersonView[] }>(['person', 'show'])).people.map((known) => known.id), { timeout: 10_000 }).toEqual([person.personId]);
    // Work is shared with Mallory; Trip was, and is no more.
    expect((await a.cli(['share', 'Work', 'mallory', '--role', 'viewer'])).code).toBe(0);
    expect((await a.cli(['share', 'Trip', 'mallory', '--role', 'editor'])).code).toBe(0);
    expect((await a.cli(['unshare', 'Trip', 'mallory'])).code).toBe(0);
    const collections = (await shares(a)).collections;
    const idOf = (name: string) => collections.find((view) => view.name === name)!.id;
    // What A sent while Trip was shared may still be on the way; from now on nothing of it may come.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    counting = true;
    const ask = (documentId: string) =>
      session.send(Channel.repo, cbor.encode({ type: 'request', senderId: device.peerId, targetId: a.deviceId, documentId, data: Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]! }));
    const forbidden = {
      shard: shardDocumentId(SYNCED_DOCUMENT_NAMESPACE, shardOfClip(photo)),
      detail: detailDocumentId(SYNCED_DOCUMENT_NAMESPACE, photo),
      settings: settingsDocumentId(SYNCED_DOCUMENT_NAMESPACE),
      revokedEntries: collectionDocumentId(idOf('Trip'), 'entries'),
      revokedAcl: collectionDocumentId(idOf('Trip'), 'acl'),
    };
    const allowed = collectionDocumentId(idOf('Work'), 'entries');
    for (const documentId of [...Object.values(forbidden), allowed]) ask(documentId);
    // The blob of a private clip, and a hash nobody has: the same answer, so not even "it exists".
    session.send(Channel.blobs, encodeRequest({ id: 1, hash: privateClip.media!.blob, offset: 0, length: 1024 }));
    session.send(Channel.blobs, encodeRequest({ id: 2, hash: 'ab'.repeat(32), offset: 0, length: 1024 }));
    // The shared collection is answered: what it asks for is granted, so silence elsewhere is refusal.
    await expect.poll(() => answers.get(allowed) ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => blobAnswers.length, { timeout: 10_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const [what, documentId] of Object.entries(forbidden)) expect({ what, answers: answers.get(documentId) ?? 0 }).toEqual({ what, answers: 0 });
    expect(blobAnswers.sort()).toEqual(['1 missing unavailable', '2 missing unavailable']);
    session.close(1000, 'done');
  });
});

