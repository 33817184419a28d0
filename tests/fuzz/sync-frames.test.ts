// Fuzzing what another device sends: Noise handshake messages, blob-channel messages, the
// document manifest channel and automerge-repo messages through DeviceNetworkAdapter. A paired
// peer can be hostile or compromised, so every decoder must turn any bytes into "refused"
// (a typed error, null, or a dropped message), never a crash, and leave the library as it was.
import { cbor, type Message, type PeerId } from '@automerge/automerge-repo';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importText } from '../../main/library/importer.js';
import type { Library } from '../../main/library/library.js';
import { decodeBlobMessage, encodeData, encodeMissing, encodeRequest, MAX_BLOB_MESSAGE_BYTES, PIECE_BYTES } from '../../main/sync/blobs/blob-protocol.js';
import { DeviceNetworkAdapter } from '../../main/sync/connection/device-network-adapter.js';
import type { SecureSession } from '../../main/sync/connection/secure-session.js';
import { NOISE_PROLOGUE } from '../../main/sync/connection/wire.js';
import { generateStaticKeyPair, NoiseError, NoiseXXHandshake } from '../../main/sync/crypto/noise-xx.js';
import { documentMessageSchema, PeerDocumentSync } from '../../main/sync/documents/peer-document-sync.js';
import { SyncedDocuments } from '../../main/sync/documents/synced-documents.js';
import { createTestLibrary } from '../helpers/library.js';
import { budget, failOnUnhandledRejections } from './fuzz-budget.js';
import { mutated, mutatedFrom } from './mutate.js';

failOnUnhandledRejections();

const anyBytes = fc.uint8Array({ maxLength: 300 });

describe('fuzzing the blob channel decoder', () => {
  const hash = createHash('sha256').update('blob').digest('hex');
  const valid = [encodeRequest({ id: 7, hash, offset: 0, length: PIECE_BYTES }), encodeData(8, 1000, randomBytes(100)), encodeMissing(9, 'busy')];

  it('turns any bytes into null or a message whose fields are in range', () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes, mutatedFrom(valid)), (bytes) => {
        const message = decodeBlobMessage(bytes);
        if (message === null) return;
        expect(bytes.length).toBeLessThanOrEqual(MAX_BLOB_MESSAGE_BYTES);
        expect(Number.isSafeInteger(message.id) && message.id >= 0).toBe(true);
        if (message.type === 'request') {
          expect(message.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(Number.isSafeInteger(message.offset)).toBe(true);
          expect(message.length).toBeGreaterThanOrEqual(1);
          expect(message.length).toBeLessThanOrEqual(PIECE_BYTES);
        }
        if (message.type === 'data') expect(Number.isSafeInteger(message.size)).toBe(true);
      }),
      budget(4000),
    );
  });
});

describe('fuzzing the Noise XX handshake reader', () => {
  /** A fresh pair that has exchanged the messages before `step`, and the valid message at `step`. */
  function handshakeAt(step: 1 | 2 | 3): { reader: NoiseXXHandshake; valid: Uint8Array } {
    const initiator = new NoiseXXHandshake('initiator', generateStaticKeyPair(), NOISE_PROLOGUE);
    const responder = new NoiseXXHandshake('responder', generateStaticKeyPair(), NOISE_PROLOGUE);
    const first = initiator.writeMessage();
    if (step === 1) return { reader: responder, valid: first };
    responder.readMessage(first);
    const second = responder.writeMessage(new TextEncoder().encode('{"hello":1}'));
    if (step === 2) return { reader: initiator, valid: second };
    initiator.readMessage(second);
    return { reader: responder, valid: initiator.writeMessage(new TextEncoder().encode('{"hello":2}')) };
  }

  it('refuses any changed message 2 or 3 with a NoiseError, and the handshake stays failed', () => {
    fc.assert(
      fc.property(fc.constantFrom(2 as const, 3 as const), fc.nat(), fc.oneof(fc.constant(null), anyBytes), (step, seed, random) => {
        const { reader, valid } = handshakeAt(step);
        const bytes = random ?? fc.sample(mutated(valid), { seed, numRuns: 1 })[0]!;
        if (Buffer.from(bytes).equals(Buffer.from(valid))) return;
        expect(() => reader.readMessage(bytes)).toThrow(NoiseError);
        expect(reader.complete).toBe(false);
        // Failed is final: the valid message cannot be slipped in afterwards.
        expect(() => reader.readMessage(valid)).toThrow(NoiseError);
      }),
      budget(400),
    );
  });

  it('reads or refuses any message 1 (it is sent in clear) without another kind of error', () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes, fc.nat().map((seed) => fc.sample(mutated(handshakeAt(1).valid), { seed, numRuns: 1 })[0]!)), (bytes) => {
        const { reader } = handshakeAt(1);
        try {
          reader.readMessage(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(NoiseError);
        }
      }),
      budget(300),
    );
  });
});

describe('fuzzing what a peer sends on the control and repo channels', () => {
  let library: Library;
  let documents: SyncedDocuments;
  let manifest: Uint8Array;

  beforeAll(async () => {
    ({ library } = await createTestLibrary());
    for (const text of ['first clip', 'second clip', 'third clip']) await importText(library, text);
    documents = new SyncedDocuments(library);
    const sync = new PeerDocumentSync(documents, (message) => (manifest = new TextEncoder().encode(JSON.stringify(message))), () => undefined, () => undefined);
    await sync.start();
    sync.close();
  });

  afterAll(async () => {
    documents.close();
    await library.close();
  });

  it('parses any control message into a schema-valid message or a refusal, and receiving one changes no clip', async () => {
    const before = library.query({ limit: 100 }).items;
    let received = 0;
    fc.assert(
      fc.property(fc.oneof(mutated(manifest), anyBytes, fc.json().map((text) => new TextEncoder().encode(text))), (bytes) => {
        // As the sync service parses it (a throw there closes the peer's connection).
        let parsed: unknown;
        try {
          parsed = JSON.parse(new TextDecoder().decode(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(SyntaxError);
          return;
        }
        const message = documentMessageSchema.safeParse(parsed);
        if (!message.success) return;
        const sync = new PeerDocumentSync(documents, () => undefined, () => undefined, () => undefined);
        try {
          sync.receive(message.data);
          received++;
        } finally {
          sync.close();
        }
      }),
      budget(1500),
    );
    expect(received).toBeGreaterThan(0);
    await library.flush();
    expect(library.query({ limit: 100 }).items).toEqual(before);
  });

  it('drops or passes on every repo-channel message, never throws', () => {
    const peerId = 'peer-fuzz' as PeerId;
    const adapter = new DeviceNetworkAdapter();
    adapter.localDeviceId = 'device-local';
    adapter.connect('repo-local' as PeerId);
    const session = { peerId, closed: false, send: () => undefined } as unknown as SecureSession;
    adapter.addSession(session);
    let passed = 0;
    adapter.on('message', () => void passed++);
    const valid: Message[] = [
      { type: 'sync', senderId: peerId, targetId: 'device-local' as PeerId, documentId: '3xKtq6G9aFLfBDbhvmhCHa5e4Hx' as Message['documentId'], data: new Uint8Array([0x42, 0x01, 0x02]) } as Message,
      { type: 'request', senderId: peerId, targetId: 'device-local' as PeerId, documentId: 'abc' as Message['documentId'], data: new Uint8Array(8) } as Message,
      { type: 'ephemeral', senderId: peerId, targetId: 'device-local' as PeerId, count: 1, sessionId: 's', documentId: 'x' as Message['documentId'], data: new Uint8Array(1) } as Message,
    ];
    const encoded = valid.map((message) => cbor.encode(message));
    let calls = 0;
    fc.assert(
      fc.property(fc.oneof(mutatedFrom(encoded), anyBytes, fc.anything().map((value) => cbor.encode(value))), (bytes) => {
        calls++;
        adapter.receive(session, bytes);
      }),
      budget(2000),
    );
    // Nothing is left waiting (no admit hook): each message was dropped or handed on at once.
    expect(adapter.dropped + passed).toBe(calls);
    expect(adapter.dropped).toBeGreaterThan(0);
    adapter.disconnect();
  });
});
