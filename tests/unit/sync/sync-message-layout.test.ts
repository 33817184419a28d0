import * as Automerge from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { syncMessageHeads, withoutCapabilities } from '../../../main/sync/connection/sync-message-layout.js';

type Doc = Automerge.Doc<{ tags: Record<string, boolean> }>;

/**
 * Two documents from one start: `ours` then adds `added` changes the other lacks. Fixed actors and
 * times make every run's changes (and so Automerge's Bloom filters, which can mistake a change
 * for one the peer has) the same.
 */
function apart(added: number): { ours: Doc; theirs: Doc } {
  const start = Automerge.change(Automerge.init<{ tags: Record<string, boolean> }>({ actor: 'aa' as Automerge.ActorId }), { time: 0 }, (doc) => void (doc.tags = { start: true }));
  const theirs = Automerge.clone(start, { actor: 'bb' as Automerge.ActorId });
  let ours = Automerge.clone(start, { actor: 'cc' as Automerge.ActorId });
  for (let index = 0; index < added; index++) ours = Automerge.change(ours, { time: index + 1 }, (doc) => void (doc.tags[`tag-${index}`] = true));
  return { ours, theirs };
}

/** Every message of one exchange between the two, each passed through `send` on its way. */
function exchange(ours: Doc, theirs: Doc, send: (message: Uint8Array) => Uint8Array = (message) => message): { sent: Uint8Array[]; ours: Doc; theirs: Doc } {
  let ourState = Automerge.initSyncState();
  let theirState = Automerge.initSyncState();
  const sent: Uint8Array[] = [];
  for (let round = 0; round < 10; round++) {
    let message: Uint8Array | null;
    [ourState, message] = Automerge.generateSyncMessage(ours, ourState);
    if (message) {
      sent.push(send(message));
      [theirs, theirState] = Automerge.receiveSyncMessage(theirs, theirState, sent.at(-1)!);
    }
    let reply: Uint8Array | null;
    [theirState, reply] = Automerge.generateSyncMessage(theirs, theirState);
    if (reply) {
      sent.push(send(reply));
      [ours, ourState] = Automerge.receiveSyncMessage(ours, ourState, sent.at(-1)!);
    }
    if (!message && !reply) break;
  }
  return { sent, ours, theirs };
}

function exchangeApart(added: number, send?: (message: Uint8Array) => Uint8Array): ReturnType<typeof exchange> {
  const { ours, theirs } = apart(added);
  return exchange(ours, theirs, send);
}

const capabilitiesOf = (message: Uint8Array) => (Automerge.decodeSyncMessage(message) as { supportedCapabilities?: string[] }).supportedCapabilities ?? [];
const VERSION_1 = 0x42;
const VERSION_2 = 0x43;

describe('reading a sync message without decoding its changes', () => {
  it('reads the heads Automerge encoded, for messages with none, one or several, with and without changes', () => {
    const { ours } = apart(3);
    const merged = Automerge.merge(Automerge.change(Automerge.clone(ours), (doc) => void (doc.tags.left = true)), Automerge.change(Automerge.clone(ours), (doc) => void (doc.tags.right = true)));
    const messages = [...exchange(Automerge.init(), Automerge.clone(ours)).sent, ...exchangeApart(3, withoutCapabilities).sent, ...exchange(merged, Automerge.init(), withoutCapabilities).sent];
    const versionOne = messages.filter((message) => message[0] === VERSION_1);
    expect(versionOne.some((message) => Automerge.decodeSyncMessage(message).changes.length > 0)).toBe(true);
    expect(versionOne.some((message) => Automerge.decodeSyncMessage(message).heads.length === 2)).toBe(true);
    expect(versionOne.some((message) => Automerge.decodeSyncMessage(message).heads.length === 0)).toBe(true);
    for (const message of versionOne) expect(syncMessageHeads(message)).toEqual(Automerge.decodeSyncMessage(message).heads);
  });

  it('drops only the advertised capabilities: heads, needs, haves and changes stay as they were', () => {
    const versionOne = exchangeApart(3).sent.filter((message) => message[0] === VERSION_1);
    expect(versionOne.length).toBeGreaterThan(0);
    for (const message of versionOne) {
      expect(capabilitiesOf(message).length).toBeGreaterThan(0);
      const stripped = withoutCapabilities(message);
      expect(stripped.length).toBeLessThan(message.length);
      expect(capabilitiesOf(stripped)).toEqual([]);
      const { heads, need, have, changes } = Automerge.decodeSyncMessage(stripped);
      const decoded = Automerge.decodeSyncMessage(message);
      expect({ heads, need, have, changes }).toEqual({ heads: decoded.heads, need: decoded.need, have: decoded.have, changes: decoded.changes });
      expect(withoutCapabilities(stripped)).toEqual(stripped);
    }
  });

  it('leaves what it cannot read as it was, and reads no heads from it', () => {
    const message = exchangeApart(1).sent[0]!;
    const cut = message.subarray(0, 20);
    const random = Uint8Array.from({ length: 64 }, (_, index) => (index * 37 + 11) % 256);
    const otherVersion = Uint8Array.from([0x43, ...message.subarray(1)]);
    const endless = Uint8Array.from([0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    for (const bytes of [cut, random, otherVersion, endless, new Uint8Array(0)]) {
      expect(withoutCapabilities(bytes)).toBe(bytes);
      expect(syncMessageHeads(bytes)).toBeNull();
    }
  });

  it('makes a peer that lacks more than a third of the changes get them, not the whole document', () => {
    const carrying = (sent: Uint8Array[]) => sent.filter((message) => Automerge.decodeSyncMessage(message).changes.length > 0);
    // Automerge's choice when both advertise version 2: one chunk holding the whole document.
    const whole = exchangeApart(6);
    expect(carrying(whole.sent).map((message) => message[0])).toEqual([VERSION_2]);
    // When neither does: the six changes themselves (one the filter took for known comes when asked for).
    const changesOnly = exchangeApart(6, withoutCapabilities);
    expect(new Set(carrying(changesOnly.sent).map((message) => message[0]))).toEqual(new Set([VERSION_1]));
    expect(carrying(changesOnly.sent).flatMap((message) => Automerge.decodeSyncMessage(message).changes)).toHaveLength(6);
    for (const { ours, theirs } of [whole, changesOnly]) expect(Automerge.getHeads(theirs)).toEqual(Automerge.getHeads(ours));
  });
});
