import * as Automerge from '@automerge/automerge';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../contract/audit.js';
import type { ClipView } from '../../contract/clips.js';
import type { SyncStatus } from '../../contract/devices.js';
import type { PersonView, SharedCollectionView } from '../../contract/sharing.js';
import { findStoredDocument } from '../../main/library/documents/loaded-documents.js';
import { Library } from '../../main/library/library.js';
import { collectionDocumentId } from '../../main/sync/sharing/collection-schema.js';
import { TEST_PASSPHRASE } from '../helpers/cli.js';
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

    // Work: viewer, then editor; the editor's change is taken on every device, into Alice's own clip too.
    expect((await a1.cli(['share', 'Work', bob.id, '--role', 'viewer'])).code).toBe(0);
    expect((await a1.cli(['share', 'Work', bob.id, '--role', 'editor'])).code).toBe(0);
    await expect.poll(async () => (await shares(b)).collections.find((view) => view.name === 'Work')?.role, { timeout: 30_000 }).toBe('editor');
    expect((await b.cli(['shared', 'edit', 'Work', work, '--title', 'edited by bob'])).code).toBe(0);
    for (const device of [a1, a2]) {
      await expect.poll(async () => (await titles(device, 'Work')).get(work), { timeout: 30_000 }).toBe('edited by bob');
      await expect.poll(async () => (await device.json<ClipView>(['show', work])).title, { timeout: 30_000 }).toBe('edited by bob');
    }
    const rejectedBefore = (await a1.status()).sharing!.rejectedChanges;

    // Revoked: Bob's device gets nothing new, and its (still editor-believing) change is rejected.
    expect((await a1.cli(['unshare', 'Work', 'bob'])).code).toBe(0);
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
    const status: SyncStatus = await b.status();
    expect(status.devices.every((device) => device.online)).toBe(true);
  });
});
