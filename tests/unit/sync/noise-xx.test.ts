import { describe, expect, it } from 'vitest';
import {
  CipherState, NOISE_MAX_HANDSHAKE_MESSAGE, NOISE_MAX_TRANSPORT_MESSAGE, NoiseError, NoiseXXHandshake, generateStaticKeyPair, noiseHkdf,
  staticKeyPairFromPrivateKey,
} from '../../../main/sync/crypto/noise-xx.js';
import type { StaticKeyPair } from '../../../main/sync/crypto/noise-xx.js';
import { chachaOpen, chachaSeal, hkdfSha256 } from '../../../main/sync/crypto/primitives.js';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const PROLOGUE = text('clipshot-sync-1');

function flip(message: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(message);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

interface Pair {
  initiator: NoiseXXHandshake;
  responder: NoiseXXHandshake;
  initiatorKeys: StaticKeyPair;
  responderKeys: StaticKeyPair;
}

function pair(): Pair {
  const initiatorKeys = generateStaticKeyPair();
  const responderKeys = generateStaticKeyPair();
  return {
    initiator: new NoiseXXHandshake('initiator', initiatorKeys, PROLOGUE),
    responder: new NoiseXXHandshake('responder', responderKeys, PROLOGUE),
    initiatorKeys,
    responderKeys,
  };
}

function handshake(p: Pair = pair()): Pair & { messages: Uint8Array[] } {
  const messages = [p.initiator.writeMessage()];
  p.responder.readMessage(messages[0]!);
  messages.push(p.responder.writeMessage());
  p.initiator.readMessage(messages[1]!);
  messages.push(p.initiator.writeMessage());
  p.responder.readMessage(messages[2]!);
  return { ...p, messages };
}

describe('known answers', () => {
  // The Noise_XX_25519_ChaChaPoly_SHA256 vector of the cacophony test suite (the Noise wiki's test
  // vectors): fixed static and ephemeral keys, three handshake messages, then transport messages
  // alternating from the initiator's side.
  const vector = {
    prologue: '4a6f686e2047616c74',
    initStatic: 'e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1',
    initEphemeral: '893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a',
    respStatic: '4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893',
    respEphemeral: 'bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b',
    handshakeHash: 'c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e',
    messages: [
      ['4c756477696720766f6e204d69736573', 'ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573'],
      ['4d757272617920526f746862617264', '95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad'],
      ['462e20412e20486179656b', 'c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030'],
      ['4361726c204d656e676572', '96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df'],
      ['4a65616e2d426170746973746520536179', '3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5'],
      ['457567656e2042f6686d20766f6e2042617765726b', 'eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f'],
    ],
  };

  it('reproduces the cacophony XX vector byte for byte, handshake and transport', () => {
    const initiatorKeys = staticKeyPairFromPrivateKey(hex(vector.initStatic));
    const responderKeys = staticKeyPairFromPrivateKey(hex(vector.respStatic));
    const initiator = new NoiseXXHandshake('initiator', initiatorKeys, hex(vector.prologue), {
      ephemeralKeyPair: staticKeyPairFromPrivateKey(hex(vector.initEphemeral)),
    });
    const responder = new NoiseXXHandshake('responder', responderKeys, hex(vector.prologue), {
      ephemeralKeyPair: staticKeyPairFromPrivateKey(hex(vector.respEphemeral)),
    });

    vector.messages.slice(0, 3).forEach(([payload, ciphertext], index) => {
      const [sender, receiver] = index % 2 === 0 ? [initiator, responder] : [responder, initiator];
      const written = sender.writeMessage(hex(payload!));
      expect(toHex(written), `handshake message ${index + 1}`).toBe(ciphertext);
      expect(toHex(receiver.readMessage(written))).toBe(payload);
    });
    expect(initiator.complete && responder.complete).toBe(true);
    expect(initiator.remoteStaticKey).toEqual(responderKeys.publicKey);
    expect(responder.remoteStaticKey).toEqual(initiatorKeys.publicKey);

    const a = initiator.split();
    const b = responder.split();
    expect(toHex(a.handshakeHash)).toBe(vector.handshakeHash);
    expect(toHex(b.handshakeHash)).toBe(vector.handshakeHash);
    vector.messages.slice(3).forEach(([payload, ciphertext], offset) => {
      const [send, receive] = (3 + offset) % 2 === 0 ? [a.send, b.receive] : [b.send, a.receive];
      const written = send.encrypt(hex(payload!));
      expect(toHex(written), `transport message ${offset + 1}`).toBe(ciphertext);
      expect(toHex(receive.decrypt(written))).toBe(payload);
    });
  });

  it('derives keys with HKDF-SHA256 as RFC 5869 test cases 1 and 3 say', () => {
    expect(toHex(hkdfSha256(hex('000102030405060708090a0b0c'), new Uint8Array(22).fill(0x0b), hex('f0f1f2f3f4f5f6f7f8f9'), 42)))
      .toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
    // Case 3 has no salt and no info, which is Noise's HKDF with an empty chaining key: its two
    // outputs are the first 64 bytes of the same expansion.
    const [first, second] = noiseHkdf(new Uint8Array(0), new Uint8Array(22).fill(0x0b));
    expect(toHex(Buffer.concat([first, second])).slice(0, 84))
      .toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });

  it('seals with ChaCha20-Poly1305 as RFC 8439 §2.8.2 says, and refuses a changed tag or associated data', () => {
    const key = new Uint8Array(32).map((_, i) => 0x80 + i);
    const nonce = hex('07000000 4041424344454647');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const plaintext = text("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
    const sealed = chachaSeal(key, nonce, aad, plaintext);
    expect(toHex(sealed)).toBe(
      'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36'
      + '92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116'
      + '1ae10b594f09e26a7e902ecbd0600691',
    );
    expect(chachaOpen(key, nonce, aad, sealed)).toEqual(plaintext);
    expect(chachaOpen(key, nonce, aad, flip(sealed, sealed.length - 1))).toBeNull();
    expect(chachaOpen(key, nonce, flip(aad, 0), sealed)).toBeNull();
    expect(chachaOpen(key, nonce, aad, sealed.subarray(0, 15))).toBeNull();
  });
});

describe('the XX handshake', () => {
  it('authenticates both static keys, carries payloads each way and agrees on one session', () => {
    const { initiator, responder, initiatorKeys, responderKeys } = pair();
    expect(initiator.remoteStaticKey).toBeNull();

    const first = initiator.writeMessage(text('hello'));
    expect(first).toHaveLength(32 + 5); // e, then the payload in clear: there is no key yet
    expect(responder.readMessage(first)).toEqual(text('hello'));
    expect(responder.remoteStaticKey).toBeNull();

    const second = responder.writeMessage(text('responder payload'));
    expect(second).toHaveLength(32 + 48 + 17 + 16);
    expect(initiator.readMessage(second)).toEqual(text('responder payload'));
    expect(initiator.remoteStaticKey).toEqual(responderKeys.publicKey);
    expect(initiator.complete).toBe(false);

    const third = initiator.writeMessage(text('initiator payload'));
    expect(third).toHaveLength(48 + 17 + 16);
    expect(Buffer.from(third).includes(Buffer.from(initiatorKeys.publicKey))).toBe(false);
    expect(responder.readMessage(third)).toEqual(text('initiator payload'));
    expect(responder.remoteStaticKey).toEqual(initiatorKeys.publicKey);
    expect(initiator.complete && responder.complete).toBe(true);

    const a = initiator.split();
    const b = responder.split();
    expect(a.handshakeHash).toHaveLength(32);
    expect(a.handshakeHash).toEqual(b.handshakeHash);
    for (let i = 0; i < 20; i++) {
      expect(b.receive.decrypt(a.send.encrypt(text(`ping ${i}`)))).toEqual(text(`ping ${i}`));
      expect(a.receive.decrypt(b.send.encrypt(text(`pong ${i}`)))).toEqual(text(`pong ${i}`));
    }
    expect(b.receive.decrypt(a.send.encrypt(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('gives every handshake its own keys, even between the same two devices', () => {
    const initiatorKeys = generateStaticKeyPair();
    const responderKeys = generateStaticKeyPair();
    const sessions = [0, 1].map(() => handshake({
      initiator: new NoiseXXHandshake('initiator', initiatorKeys, PROLOGUE),
      responder: new NoiseXXHandshake('responder', responderKeys, PROLOGUE),
      initiatorKeys,
      responderKeys,
    }).initiator.split());
    expect(sessions[0]!.handshakeHash).not.toEqual(sessions[1]!.handshakeHash);
    const message = sessions[0]!.send.encrypt(text('same text'));
    expect(message).not.toEqual(sessions[1]!.send.encrypt(text('same text')));
  });

  it('keeps to the order of XX: each side writes and reads only in its turn, and splits once when complete', () => {
    const { initiator, responder } = pair();
    expect(() => responder.writeMessage()).toThrow(/not this side's turn to write/);
    expect(() => initiator.readMessage(new Uint8Array(32))).toThrow(/not this side's turn to read/);
    expect(() => initiator.split()).toThrow(/not complete/);

    const first = initiator.writeMessage();
    expect(() => initiator.writeMessage()).toThrow(NoiseError);
    responder.readMessage(first);
    expect(() => responder.readMessage(first)).toThrow(/not this side's turn to read/);
    initiator.readMessage(responder.writeMessage());
    responder.readMessage(initiator.writeMessage());

    expect(() => initiator.writeMessage()).toThrow(/already complete/);
    expect(() => responder.readMessage(new Uint8Array(64))).toThrow(/already complete/);
    initiator.split();
    expect(() => initiator.split()).toThrow(/already split/);
  });

  it('fails when the two sides disagree on the prologue', () => {
    const initiator = new NoiseXXHandshake('initiator', generateStaticKeyPair(), text('clipshot-sync-1'));
    const responder = new NoiseXXHandshake('responder', generateStaticKeyPair(), text('clipshot-sync-2'));
    responder.readMessage(initiator.writeMessage());
    expect(() => initiator.readMessage(responder.writeMessage())).toThrow(NoiseError);
  });

  it('refuses every tampered byte of messages 2 and 3, and a refused message fails the handshake for good', () => {
    // One initiator ephemeral key for all replicas, so every tampered copy meets a state it would otherwise fit.
    const initiatorKeys = generateStaticKeyPair();
    const ephemeralKeyPair = generateStaticKeyPair();
    const replica = () => new NoiseXXHandshake('initiator', initiatorKeys, PROLOGUE, { ephemeralKeyPair });
    const responder = new NoiseXXHandshake('responder', generateStaticKeyPair(), PROLOGUE);
    responder.readMessage(replica().writeMessage());
    const second = responder.writeMessage(text('payload'));

    for (let index = 0; index < second.length; index++) {
      const initiator = replica();
      initiator.writeMessage();
      expect(() => initiator.readMessage(flip(second, index)), `byte ${index}`).toThrow(NoiseError);
      expect(initiator.remoteStaticKey).toBeNull();
      expect(initiator.complete).toBe(false);
      expect(() => initiator.readMessage(second)).toThrow(/has failed/);
      expect(() => initiator.writeMessage()).toThrow(/has failed/);
      expect(() => initiator.split()).toThrow(/has failed/);
    }

    const genuine = replica();
    genuine.writeMessage();
    expect(genuine.readMessage(second)).toEqual(text('payload'));
    const third = genuine.writeMessage(text('x'));
    for (let index = 0; index < third.length; index++) {
      const fresh = handshakeUpToThird();
      const tampered = flip(fresh.third, index);
      expect(() => fresh.responder.readMessage(tampered), `byte ${index}`).toThrow(NoiseError);
      expect(fresh.responder.remoteStaticKey).toBeNull();
      expect(() => fresh.responder.split()).toThrow(NoiseError);
    }
  });

  it('notices a tampered first message (sent in clear) when the next message does not fit it', () => {
    const { initiator, responder } = pair();
    const first = initiator.writeMessage(text('hi'));
    expect(responder.readMessage(flip(first, first.length - 1))).toEqual(text('hh')); // 'i' ^ 1
    expect(() => initiator.readMessage(responder.writeMessage())).toThrow(NoiseError);
  });

  it('refuses truncated, extended, oversized and non-byte messages', () => {
    const shortFirst = pair();
    expect(() => shortFirst.responder.readMessage(new Uint8Array(31))).toThrow(/truncated/);

    for (const cut of [0, 31, 32, 79, 80, 95]) {
      const p = pair();
      p.responder.readMessage(p.initiator.writeMessage());
      const second = p.responder.writeMessage();
      expect(second).toHaveLength(96);
      expect(() => p.initiator.readMessage(second.subarray(0, cut)), `cut at ${cut}`).toThrow(NoiseError);
    }
    const extended = pair();
    extended.responder.readMessage(extended.initiator.writeMessage());
    const second = extended.responder.writeMessage();
    expect(() => extended.initiator.readMessage(Buffer.concat([second, Buffer.from([0])]))).toThrow(NoiseError);

    for (const cut of [0, 47, 48, 63]) {
      const fresh = handshakeUpToThird();
      expect(() => fresh.responder.readMessage(fresh.third.subarray(0, cut)), `cut at ${cut}`).toThrow(NoiseError);
    }

    const oversized = pair();
    expect(() => oversized.responder.readMessage(new Uint8Array(NOISE_MAX_HANDSHAKE_MESSAGE + 1))).toThrow(/at most 65535/);
    expect(() => pair().responder.readMessage('not bytes' as unknown as Uint8Array)).toThrow(NoiseError);
  });

  it('will not write a handshake message over 65535 bytes, and can still write a smaller one', () => {
    const { initiator, responder } = pair();
    expect(() => initiator.writeMessage(new Uint8Array(NOISE_MAX_HANDSHAKE_MESSAGE))).toThrow(/at most 65535/);
    responder.readMessage(initiator.writeMessage(text('fits')));
    expect(initiator.readMessage(responder.writeMessage(new Uint8Array(NOISE_MAX_HANDSHAKE_MESSAGE - 96)))).toHaveLength(NOISE_MAX_HANDSHAKE_MESSAGE - 96);
  });

  it('refuses a low-order (all-zero) ephemeral key from either side', () => {
    const { responder } = pair();
    responder.readMessage(new Uint8Array(32));
    expect(() => responder.writeMessage()).toThrow(/unusable public key/);

    const { initiator } = pair();
    initiator.writeMessage();
    expect(() => initiator.readMessage(new Uint8Array(96))).toThrow(/unusable public key/);
  });

  it('gives an attacker who replays a recorded first message to a fresh responder no session at all', () => {
    // The attacker recorded a whole genuine handshake and the traffic after it.
    const recorded = handshake();
    const recordedSession = recorded.initiator.split();
    const recordedTraffic = recordedSession.send.encrypt(text('secret'));

    // It replays message 1 to a fresh responder of the same device: the responder answers with a new
    // ephemeral key, so the recorded message 3 (bound to the old one) no longer fits.
    const victim = new NoiseXXHandshake('responder', recorded.responderKeys, PROLOGUE);
    expect(victim.readMessage(recorded.messages[0]!)).toEqual(new Uint8Array(0));
    const freshSecond = victim.writeMessage();
    expect(freshSecond.subarray(0, 32)).not.toEqual(recorded.messages[1]!.subarray(0, 32));
    expect(() => victim.readMessage(recorded.messages[2]!)).toThrow(NoiseError);
    expect(victim.complete).toBe(false);
    expect(() => victim.split()).toThrow(NoiseError);

    // Nor can it make a message 3 of its own: that needs the key message 2 was sealed under, which
    // takes the recorded initiator's ephemeral private key. Reading message 2 with any other
    // ephemeral key fails, and random bytes in place of message 3 fail too.
    const attacker = new NoiseXXHandshake('initiator', generateStaticKeyPair(), PROLOGUE);
    attacker.writeMessage();
    expect(() => attacker.readMessage(freshSecond)).toThrow(NoiseError);
    const again = new NoiseXXHandshake('responder', recorded.responderKeys, PROLOGUE);
    again.readMessage(recorded.messages[0]!);
    again.writeMessage();
    expect(() => again.readMessage(new Uint8Array(64).map(() => Math.floor(Math.random() * 256)))).toThrow(NoiseError);

    // And a fresh session never decrypts the recorded traffic.
    const honest = handshake();
    expect(() => honest.responder.split().receive.decrypt(recordedTraffic)).toThrow(NoiseError);
  });

  it('does not let a recorded second message be replayed to a fresh initiator', () => {
    const recorded = handshake();
    const fresh = new NoiseXXHandshake('initiator', recorded.initiatorKeys, PROLOGUE);
    fresh.writeMessage();
    expect(() => fresh.readMessage(recorded.messages[1]!)).toThrow(NoiseError);
  });

  it('checks its arguments', () => {
    expect(() => new NoiseXXHandshake('observer' as 'initiator', generateStaticKeyPair(), PROLOGUE)).toThrow(RangeError);
    expect(() => new NoiseXXHandshake('initiator', { publicKey: new Uint8Array(31), privateKey: new Uint8Array(32) }, PROLOGUE)).toThrow(RangeError);
    expect(() => new CipherState(new Uint8Array(16))).toThrow(RangeError);
  });
});

function handshakeUpToThird(): Pair & { third: Uint8Array } {
  const p = pair();
  p.responder.readMessage(p.initiator.writeMessage());
  p.initiator.readMessage(p.responder.writeMessage());
  return { ...p, third: p.initiator.writeMessage(text('x')) };
}

describe('transport messages', () => {
  function session() {
    const { initiator, responder } = handshake();
    return { a: initiator.split(), b: responder.split() };
  }

  it('refuses tampered, truncated, replayed and reordered messages without losing its place', () => {
    const { a, b } = session();
    const first = a.send.encrypt(text('first'));
    const second = a.send.encrypt(text('second'));

    for (let index = 0; index < first.length; index++) expect(() => b.receive.decrypt(flip(first, index))).toThrow(NoiseError);
    expect(() => b.receive.decrypt(first.subarray(0, 15))).toThrow(/at least 16/);
    expect(() => b.receive.decrypt(first.subarray(0, first.length - 1))).toThrow(NoiseError);
    expect(() => b.receive.decrypt(second)).toThrow(NoiseError); // out of order

    expect(b.receive.decrypt(first)).toEqual(text('first'));
    expect(() => b.receive.decrypt(first)).toThrow(NoiseError); // replayed
    expect(b.receive.decrypt(second)).toEqual(text('second'));
  });

  it('keeps the two directions apart: a message cannot be reflected back to its sender', () => {
    const { a, b } = session();
    const message = a.send.encrypt(text('to b'));
    expect(() => a.receive.decrypt(message)).toThrow(NoiseError);
    expect(b.receive.decrypt(message)).toEqual(text('to b'));
  });

  it('carries messages beyond 65535 bytes up to the 32 MiB frame, and no further', () => {
    const { a, b } = session();
    const large = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    expect(b.receive.decrypt(a.send.encrypt(large))).toEqual(large);

    const largest = new Uint8Array(NOISE_MAX_TRANSPORT_MESSAGE - 16);
    const sealed = a.send.encrypt(largest);
    expect(sealed).toHaveLength(NOISE_MAX_TRANSPORT_MESSAGE);
    expect(b.receive.decrypt(sealed)).toHaveLength(largest.length);
    expect(() => a.send.encrypt(new Uint8Array(NOISE_MAX_TRANSPORT_MESSAGE - 15))).toThrow(/at most/);
    expect(() => b.receive.decrypt(new Uint8Array(NOISE_MAX_TRANSPORT_MESSAGE + 1))).toThrow(/at most/);
    // A refused send used no nonce: the stream goes on.
    expect(b.receive.decrypt(a.send.encrypt(text('after')))).toEqual(text('after'));
  });
});

describe('static keys', () => {
  it('makes distinct 32-byte key pairs whose public half follows from the private one', () => {
    const first = generateStaticKeyPair();
    const second = generateStaticKeyPair();
    expect(first.publicKey).toHaveLength(32);
    expect(first.privateKey).toHaveLength(32);
    expect(first.publicKey).not.toEqual(second.publicKey);
    expect(staticKeyPairFromPrivateKey(first.privateKey)).toEqual(first);
    expect(() => staticKeyPairFromPrivateKey(new Uint8Array(31))).toThrow(RangeError);
  });
});
