// Noise_XX_25519_ChaChaPoly_SHA256, as the Noise Protocol Framework (revision 34) defines it: the
// mutual authentication at the start of every sync connection. XX because neither side knows the
// other's key in advance on the wire: each sends its static key encrypted, and the caller then checks
// it against the paired devices.
//
//   -> e
//   <- e, ee, s, es
//   -> s, se
//
// Two choices beyond the spec, both deliberate:
// - Transport messages may be up to NOISE_MAX_TRANSPORT_MESSAGE (32 MiB) rather than Noise's 65535
//   bytes: every transport message travels as one WebSocket frame, which frames it already, and a blob
//   chunk or a large automerge sync message then needs no second layer of framing. ChaCha20-Poly1305 is
//   safe far beyond that size. Handshake messages keep the 65535-byte limit.
// - A failed handshake message fails the whole handshake (every later call throws): the caller drops
//   the connection rather than let anyone probe the state with variations.
import { createHash } from 'node:crypto';
import {
  AEAD_TAG_BYTES, X25519_KEY_BYTES, chachaOpen, chachaSeal, concatBytes, generateX25519KeyPair, hkdfSha256, x25519,
  x25519KeyPairFromPrivateKey,
} from './primitives.js';
import type { X25519KeyPair } from './primitives.js';

/** A device's long-term X25519 key pair, raw 32-byte keys. */
export type StaticKeyPair = X25519KeyPair;

export const NOISE_PROTOCOL_NAME = 'Noise_XX_25519_ChaChaPoly_SHA256';
/** Noise's own limit, kept for handshake messages. */
export const NOISE_MAX_HANDSHAKE_MESSAGE = 65535;
/** The largest transport message (ciphertext with its tag): one WebSocket frame (ws `maxPayload`). */
export const NOISE_MAX_TRANSPORT_MESSAGE = 32 * 1024 * 1024;

const HASH_BYTES = 32;
const EMPTY = new Uint8Array(0);
// 2^64 - 1 is reserved by the spec; a key that has sent that many messages is used up.
const MAX_NONCE = (1n << 64n) - 1n;

export function generateStaticKeyPair(): StaticKeyPair {
  return generateX25519KeyPair();
}

/** A key pair from a stored private key. */
export function staticKeyPairFromPrivateKey(privateKey: Uint8Array): StaticKeyPair {
  return x25519KeyPairFromPrivateKey(privateKey);
}

/** Anything the handshake or a transport message refuses: out of turn, malformed, forged, replayed. */
export class NoiseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

// The 96-bit ChaCha20-Poly1305 nonce Noise specifies: 32 zero bits, then the 64-bit counter little-endian.
function nonceBytes(counter: bigint): Uint8Array {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64LE(counter, 4);
  return nonce;
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** Noise's HKDF(chaining_key, input_key_material, 2): HKDF-SHA256 with the chaining key as salt and no info. */
export function noiseHkdf(chainingKey: Uint8Array, inputKeyMaterial: Uint8Array): [Uint8Array, Uint8Array] {
  const out = hkdfSha256(chainingKey, inputKeyMaterial, EMPTY, 2 * HASH_BYTES);
  return [out.slice(0, HASH_BYTES), out.slice(HASH_BYTES)];
}

/**
 * One direction of an established session. Each message gets the next counter nonce; a message that
 * fails to decrypt (forged, replayed, reordered, truncated) throws and consumes no nonce, so the
 * genuine stream still decrypts afterwards.
 */
export class CipherState {
  readonly #key: Uint8Array;
  #nonce = 0n;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError(`a cipher key is 32 bytes, got ${key.length}`);
    this.#key = new Uint8Array(key);
  }

  encrypt(plaintext: Uint8Array): Uint8Array {
    if (plaintext.length + AEAD_TAG_BYTES > NOISE_MAX_TRANSPORT_MESSAGE) {
      throw new NoiseError(`a transport message is at most ${NOISE_MAX_TRANSPORT_MESSAGE} bytes with its tag, got ${plaintext.length} bytes of plaintext`);
    }
    const nonce = this.#takeNonce();
    return chachaSeal(this.#key, nonceBytes(nonce), EMPTY, plaintext);
  }

  decrypt(ciphertext: Uint8Array): Uint8Array {
    if (ciphertext.length > NOISE_MAX_TRANSPORT_MESSAGE) throw new NoiseError(`a transport message is at most ${NOISE_MAX_TRANSPORT_MESSAGE} bytes, got ${ciphertext.length}`);
    if (ciphertext.length < AEAD_TAG_BYTES) throw new NoiseError(`a transport message is at least ${AEAD_TAG_BYTES} bytes, got ${ciphertext.length}`);
    if (this.#nonce >= MAX_NONCE) throw new NoiseError('this session has used up its nonces');
    const plaintext = chachaOpen(this.#key, nonceBytes(this.#nonce), EMPTY, ciphertext);
    if (!plaintext) throw new NoiseError('a transport message did not authenticate');
    this.#nonce += 1n;
    return plaintext;
  }

  #takeNonce(): bigint {
    if (this.#nonce >= MAX_NONCE) throw new NoiseError('this session has used up its nonces');
    const nonce = this.#nonce;
    this.#nonce += 1n;
    return nonce;
  }
}

/** The SymmetricState of the spec (h, ck and the handshake's cipher key), copied per message so a failed read changes nothing. */
interface SymmetricState {
  h: Uint8Array;
  ck: Uint8Array;
  key: Uint8Array | null;
  nonce: bigint;
}

function mixHash(state: SymmetricState, data: Uint8Array): void {
  state.h = sha256(state.h, data);
}

function mixKey(state: SymmetricState, inputKeyMaterial: Uint8Array): void {
  const [ck, key] = noiseHkdf(state.ck, inputKeyMaterial);
  state.ck = ck;
  state.key = key;
  state.nonce = 0n;
}

function encryptAndHash(state: SymmetricState, plaintext: Uint8Array): Uint8Array {
  // Before the first MixKey there is no key: the spec sends the bytes as they are (and still hashes them).
  const ciphertext = state.key ? chachaSeal(state.key, nonceBytes(state.nonce++), state.h, plaintext) : new Uint8Array(plaintext);
  mixHash(state, ciphertext);
  return ciphertext;
}

function decryptAndHash(state: SymmetricState, ciphertext: Uint8Array): Uint8Array {
  let plaintext: Uint8Array;
  if (state.key) {
    const opened = chachaOpen(state.key, nonceBytes(state.nonce), state.h, ciphertext);
    if (!opened) throw new NoiseError('a handshake message did not authenticate');
    state.nonce += 1n;
    plaintext = opened;
  } else {
    plaintext = new Uint8Array(ciphertext);
  }
  mixHash(state, ciphertext);
  return plaintext;
}

function dh(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return x25519(privateKey, publicKey);
  } catch (error) {
    // A low-order point gives an all-zero secret, which OpenSSL refuses: only a forger sends one.
    throw new NoiseError('the peer sent an unusable public key', { cause: error });
  }
}

type Role = 'initiator' | 'responder';

export interface NoiseXXOptions {
  /** Fixed ephemeral key pairs, for known-answer tests only: in use each handshake makes its own. */
  ephemeralKeyPair?: StaticKeyPair;
}

/** Both directions of an established session, and the handshake hash that names it (for channel binding). */
export interface NoiseSession {
  send: CipherState;
  receive: CipherState;
  handshakeHash: Uint8Array;
}

/**
 * One side of an XX handshake. The initiator writes messages 1 and 3, the responder message 2.
 * Payloads: message 1's goes in clear, message 2's is encrypted but sent before the initiator is
 * authenticated, message 3's is encrypted to the authenticated responder.
 */
export class NoiseXXHandshake {
  readonly #role: Role;
  readonly #local: StaticKeyPair;
  readonly #ephemeral: StaticKeyPair;
  #state: SymmetricState;
  #step = 0; // messages processed so far: 0..3
  #failed = false;
  #split = false;
  #remoteEphemeral: Uint8Array | null = null;
  #remoteStatic: Uint8Array | null = null;

  constructor(role: Role, local: StaticKeyPair, prologue: Uint8Array, options: NoiseXXOptions = {}) {
    if (role !== 'initiator' && role !== 'responder') throw new RangeError(`unknown Noise role ${String(role)}`);
    if (local.publicKey.length !== X25519_KEY_BYTES || local.privateKey.length !== X25519_KEY_BYTES) {
      throw new RangeError('a static key pair is two 32-byte keys');
    }
    this.#role = role;
    this.#local = { publicKey: new Uint8Array(local.publicKey), privateKey: new Uint8Array(local.privateKey) };
    this.#ephemeral = options.ephemeralKeyPair
      ? staticKeyPairFromPrivateKey(options.ephemeralKeyPair.privateKey)
      : generateStaticKeyPair();
    // The name is exactly HASHLEN bytes, so the spec uses it as h unhashed.
    const name = new TextEncoder().encode(NOISE_PROTOCOL_NAME);
    this.#state = { h: name, ck: name, key: null, nonce: 0n };
    mixHash(this.#state, prologue);
  }

  get complete(): boolean {
    return this.#step === 3 && !this.#failed;
  }

  /** The peer's static public key, known once the message that carries it authenticated. */
  get remoteStaticKey(): Uint8Array | null {
    return this.#remoteStatic ? new Uint8Array(this.#remoteStatic) : null;
  }

  writeMessage(payload: Uint8Array = EMPTY): Uint8Array {
    this.#checkTurn('write');
    if (!(payload instanceof Uint8Array)) throw new NoiseError('a handshake payload is bytes');
    const state = { ...this.#state };
    const parts: Uint8Array[] = [];
    try {
      switch (this.#step) {
        case 0: // -> e
          parts.push(this.#ephemeral.publicKey);
          mixHash(state, this.#ephemeral.publicKey);
          break;
        case 1: // <- e, ee, s, es
          parts.push(this.#ephemeral.publicKey);
          mixHash(state, this.#ephemeral.publicKey);
          mixKey(state, dh(this.#ephemeral.privateKey, this.#remoteEphemeral!));
          parts.push(encryptAndHash(state, this.#local.publicKey));
          mixKey(state, dh(this.#local.privateKey, this.#remoteEphemeral!));
          break;
        case 2: // -> s, se
          parts.push(encryptAndHash(state, this.#local.publicKey));
          mixKey(state, dh(this.#local.privateKey, this.#remoteEphemeral!));
          break;
      }
      parts.push(encryptAndHash(state, payload));
    } catch (error) {
      this.#failed = true;
      throw error;
    }
    const message = concatBytes(...parts);
    if (message.length > NOISE_MAX_HANDSHAKE_MESSAGE) {
      // Nothing was sent: the state stays as it was and the caller may retry with a smaller payload.
      throw new NoiseError(`a handshake message is at most ${NOISE_MAX_HANDSHAKE_MESSAGE} bytes, this one would be ${message.length}`);
    }
    this.#state = state;
    this.#step += 1;
    return message;
  }

  readMessage(message: Uint8Array): Uint8Array {
    this.#checkTurn('read');
    if (!(message instanceof Uint8Array)) throw new NoiseError('a handshake message is bytes');
    try {
      if (message.length > NOISE_MAX_HANDSHAKE_MESSAGE) throw new NoiseError(`a handshake message is at most ${NOISE_MAX_HANDSHAKE_MESSAGE} bytes, got ${message.length}`);
      const state = { ...this.#state };
      let offset = 0;
      const take = (length: number, what: string): Uint8Array => {
        if (message.length - offset < length) throw new NoiseError(`handshake message ${this.#step + 1} is truncated (no room for ${what})`);
        const bytes = message.slice(offset, offset + length);
        offset += length;
        return bytes;
      };
      let remoteEphemeral = this.#remoteEphemeral;
      let remoteStatic = this.#remoteStatic;
      switch (this.#step) {
        case 0: // -> e
          remoteEphemeral = take(X25519_KEY_BYTES, 'the ephemeral key');
          mixHash(state, remoteEphemeral);
          break;
        case 1: // <- e, ee, s, es
          remoteEphemeral = take(X25519_KEY_BYTES, 'the ephemeral key');
          mixHash(state, remoteEphemeral);
          mixKey(state, dh(this.#ephemeral.privateKey, remoteEphemeral));
          remoteStatic = decryptAndHash(state, take(X25519_KEY_BYTES + AEAD_TAG_BYTES, 'the static key'));
          mixKey(state, dh(this.#ephemeral.privateKey, remoteStatic));
          break;
        case 2: // -> s, se
          remoteStatic = decryptAndHash(state, take(X25519_KEY_BYTES + AEAD_TAG_BYTES, 'the static key'));
          mixKey(state, dh(this.#ephemeral.privateKey, remoteStatic));
          break;
      }
      const rest = message.slice(offset);
      // Once keyed, even an empty payload carries a tag: anything shorter was cut.
      if (state.key && rest.length < AEAD_TAG_BYTES) throw new NoiseError(`handshake message ${this.#step + 1} is truncated (no room for the payload tag)`);
      const payload = decryptAndHash(state, rest);
      this.#state = state;
      this.#remoteEphemeral = remoteEphemeral;
      this.#remoteStatic = remoteStatic;
      this.#step += 1;
      return payload;
    } catch (error) {
      this.#failed = true;
      if (error instanceof NoiseError) throw error;
      throw new NoiseError('a handshake message could not be read', { cause: error });
    }
  }

  /** The two transport ciphers (once, when complete): the initiator sends with the first key, the responder with the second. */
  split(): NoiseSession {
    if (this.#failed) throw new NoiseError('the handshake has failed');
    if (this.#step !== 3) throw new NoiseError('the handshake is not complete');
    // Two pairs of cipher states over the same keys would reuse nonces.
    if (this.#split) throw new NoiseError('the handshake was already split');
    this.#split = true;
    const [first, second] = noiseHkdf(this.#state.ck, EMPTY);
    const initiatorSends = new CipherState(first);
    const responderSends = new CipherState(second);
    return this.#role === 'initiator'
      ? { send: initiatorSends, receive: responderSends, handshakeHash: new Uint8Array(this.#state.h) }
      : { send: responderSends, receive: initiatorSends, handshakeHash: new Uint8Array(this.#state.h) };
  }

  #checkTurn(action: 'read' | 'write'): void {
    if (this.#failed) throw new NoiseError('the handshake has failed');
    if (this.#step === 3) throw new NoiseError('the handshake is already complete');
    const initiatorWrites = this.#step % 2 === 0;
    const writes = this.#role === 'initiator' ? initiatorWrites : !initiatorWrites;
    if ((action === 'write') !== writes) throw new NoiseError(`it is not this side's turn to ${action} (message ${this.#step + 1} of 3)`);
  }
}
