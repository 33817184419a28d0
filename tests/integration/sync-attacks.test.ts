import * as Automerge from '@automerge/automerge';
import { cbor, interpretAsDocumentId, type BinaryDocumentId } from '@automerge/automerge-repo';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { SyncStatus } from '../../contract/devices.js';
import { shardDocumentId } from '../../main/library/documents/shard-documents.js';
import { SYNCED_DOCUMENT_NAMESPACE } from '../../main/library/documents/document-namespace.js';
import { openSocket } from '../../main/sync/connection/dialer.js';
import { establishSession, toBytes, type SecureSession } from '../../main/sync/connection/secure-session.js';
import { Channel } from '../../main/sync/connection/wire.js';
import { generateStaticKeyPair } from '../../main/sync/crypto/noise-xx.js';
import { identityFromKeys } from '../../main/sync/device-identity.js';
import { writePng } from '../helpers/fixtures.js';
import { pairDevices, startDevice, stopAllDevices, waitForConvergence } from '../helpers/sync-devices.js';
import { tempDir } from '../helpers/temp.js';
import { connectInProcess as connect, inProcessHello, pairInProcess } from '../helpers/in-process-device.js';

afterEach(stopAllDevices);

const hello = inProcessHello;

/** Every binary frame the socket receives from now on, and its close code (a socket left open fails the test, saying so). */
function record(socket: WebSocket): { frames: Uint8Array[]; closed: Promise<number> } {
  const frames: Uint8Array[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) frames.push(toBytes(data));
  });
  const closed = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the device left the connection open for 20 s')), 20_000);
    socket.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return { frames, closed };
}

/** How many repo messages about `documentId` arrive within `ms`. */
function answersWithin(session: SecureSession, documentId: string, ms: number): Promise<number> {
  let count = 0;
  session.onMessage((channel, body) => {
    if (channel === Channel.repo && (cbor.decode(body) as { documentId?: string }).documentId === documentId) count += 1;
  });
  return new Promise((resolve) => setTimeout(() => resolve(count), ms));
}

describe('hostile peers get nothing, and honest devices keep syncing', { timeout: 150_000 }, () => {
  it('refuses unpaired, replaying, garbling, forging and revoked peers', async () => {
    const root = await tempDir('sync-attack-');
    const a = await startDevice(root, 'a');
    const b = await startDevice(root, 'b');
    await pairDevices(a, b);
    expect((await a.cli(['import', await writePng(root, 'one.png', 1)])).code).toBe(0);
    await waitForConvergence([a, b], 60_000, { blobs: false });

    // An unpaired device completes no handshake and hears nothing but the handshake's second message.
    const strangerSocket = await openSocket(a.syncAddress);
    const stranger = record(strangerSocket);
    await expect(establishSession(strangerSocket, { role: 'initiator', identity: identityFromKeys(generateStaticKeyPair()), hello: hello('stranger'), isTrusted: () => true })).rejects.toThrow();
    expect(await stranger.closed).toBe(4003);
    expect(stranger.frames).toHaveLength(1);

    // A paired device's handshake, recorded and replayed by someone else, fails at its third message.
    const mallory = identityFromKeys(generateStaticKeyPair());
    await pairInProcess(a, mallory);
    const recorded: Uint8Array[] = [];
    const honestSocket = await openSocket(a.syncAddress);
    const send = honestSocket.send.bind(honestSocket);
    honestSocket.send = ((data: Uint8Array) => {
      recorded.push(new Uint8Array(data));
      send(data);
    }) as typeof honestSocket.send;
    const honest = await establishSession(honestSocket, { role: 'initiator', identity: mallory, hello: hello('in-process'), isTrusted: () => true });
    honest.close(1000, 'done');
    const replaySocket = await openSocket(a.syncAddress);
    const replay = record(replaySocket);
    replaySocket.send(recorded[0]!);
    await expect.poll(() => replay.frames.length).toBe(1);
    replaySocket.send(recorded[1]!);
    expect(await replay.closed).toBe(4001);
    expect(replay.frames).toHaveLength(1);

    // After a good handshake: a forged sender id is dropped; random bytes, a text frame and an
    // oversized frame each close the connection.
    const forging = await connect(a, mallory);
    // A document no device has: anything heard of it answers the request (a library document could
    // also arrive by the sync a newly connected device starts on its own).
    const unknownDocument = interpretAsDocumentId(new Uint8Array(randomBytes(16)) as BinaryDocumentId);
    const request = (senderId: string) =>
      cbor.encode({ type: 'request', senderId, targetId: a.deviceId, documentId: unknownDocument, data: Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]! });
    const forgedAnswers = answersWithin(forging.session, unknownDocument, 1_500);
    forging.session.send(Channel.repo, request(b.deviceId));
    expect(await forgedAnswers).toBe(0);
    // The same request under its own id is answered ("unavailable": no device has it).
    const honestAnswers = answersWithin(forging.session, unknownDocument, 1_500);
    forging.session.send(Channel.repo, request(mallory.peerId));
    expect(await honestAnswers).toBeGreaterThan(0);
    const randomClose = record(forging.socket).closed;
    forging.socket.send(randomBytes(200));
    expect(await randomClose).toBe(4002);

    const texting = await connect(a, mallory);
    const textClose = record(texting.socket).closed;
    texting.socket.send('hello');
    expect(await textClose).toBe(4002);

    const flooding = await connect(a, mallory);
    const floodClose = record(flooding.socket).closed;
    flooding.socket.send(Buffer.alloc(33 * 1024 * 1024));
    expect(await floodClose).toBe(1009);

    // Revoked: the next handshake is refused like a stranger's.
    expect((await a.cli(['unpair', 'in-process'])).code).toBe(0);
    const revokedSocket = await openSocket(a.syncAddress);
    const revoked = record(revokedSocket);
    await expect(establishSession(revokedSocket, { role: 'initiator', identity: mallory, hello: hello('in-process'), isTrusted: () => true })).rejects.toThrow();
    expect(await revoked.closed).toBe(4003);

    // Through all of it the honest pair kept working.
    expect((await a.cli(['import', await writePng(root, 'two.png', 2)])).code).toBe(0);
    const digest = await waitForConvergence([a, b], 60_000, { blobs: false });
    expect(digest.clips).toBe(2);
  });
});

describe('an honest device is never refused a document the other side has not loaded yet', { timeout: 60_000 }, () => {
  it('takes the changes in a sync message about a document it had not loaded, instead of answering "unavailable"', async () => {
    // automerge-repo would answer "unavailable", and the sender, counting its change as sent,
    // would not send it again until the document was loaded afresh on both sides.
    const root = await tempDir('sync-admit-');
    const a = await startDevice(root, 'a');
    const identity = identityFromKeys(generateStaticKeyPair());
    await pairInProcess(a, identity);
    const { session } = await connect(a, identity);
    await expect.poll(async () => ((await a.api('syncStatus')) as SyncStatus).devices.some((device) => device.online), { timeout: 10_000 }).toBe(true);
    const documentId = shardDocumentId(SYNCED_DOCUMENT_NAMESPACE, 7);
    let ours = Automerge.change(Automerge.init<{ note?: string }>(), (doc) => (doc.note = 'made offline'));
    const ourHead = Automerge.getHeads(ours)[0]!;
    // As a device that already heard the other side's (empty) state: its first message carries the change.
    let state = Automerge.initSyncState();
    [ours, state] = Automerge.receiveSyncMessage(ours, state, Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]!);
    const answers: { type: string; heads: string[] }[] = [];
    const sendNext = () => {
      const [next, message] = Automerge.generateSyncMessage(ours, state);
      state = next;
      if (message) session.send(Channel.repo, cbor.encode({ type: 'sync', senderId: identity.peerId, targetId: a.deviceId, documentId, data: message }));
    };
    session.onMessage((channel, body) => {
      if (channel !== Channel.repo) return;
      const message = cbor.decode(body) as { type: string; documentId?: string; data?: Uint8Array };
      if (message.documentId !== documentId) return;
      answers.push({ type: message.type, heads: message.data ? Automerge.decodeSyncMessage(message.data).heads : [] });
      if (!message.data) return;
      [ours, state] = Automerge.receiveSyncMessage(ours, state, message.data);
      sendNext();
    });
    sendNext();
    await expect.poll(() => answers.some((answer) => answer.heads.includes(ourHead)), { timeout: 10_000 }).toBe(true);
    expect(answers.map((answer) => answer.type)).not.toContain('doc-unavailable');
    session.close(1000, 'done');
  });
});

describe('"unavailable" from a device', { timeout: 60_000 }, () => {
  it('is not answered with "unavailable" about a document not loaded here: two devices that both let it go bounced those forever', async () => {
    const root = await tempDir('sync-unavailable-');
    const a = await startDevice(root, 'a');
    const identity = identityFromKeys(generateStaticKeyPair());
    await pairInProcess(a, identity);
    const { session } = await connect(a, identity);
    await expect.poll(async () => ((await a.api('syncStatus')) as SyncStatus).devices.some((device) => device.online), { timeout: 10_000 }).toBe(true);
    const documentId = shardDocumentId(SYNCED_DOCUMENT_NAMESPACE, 9);
    const message = (type: string, data?: Uint8Array) => cbor.encode({ type, senderId: identity.peerId, targetId: a.deviceId, documentId, ...(data && { data }) });

    const afterUnavailable = answersWithin(session, documentId, 2_000);
    session.send(Channel.repo, message('doc-unavailable'));
    expect(await afterUnavailable).toBe(0);

    // The device still answers about that document: a request for it, which brings nothing, gets "unavailable".
    const afterRequest = answersWithin(session, documentId, 5_000);
    session.send(Channel.repo, message('request', Automerge.generateSyncMessage(Automerge.init(), Automerge.initSyncState())[1]!));
    expect(await afterRequest).toBeGreaterThanOrEqual(1);
    session.close(1000, 'done');
  });
});
