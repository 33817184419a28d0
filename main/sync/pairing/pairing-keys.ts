// What pairing derives from CPace's ISK: one MAC key and one sealing key per direction, so that
// neither side's proof or identity can be reflected back as the other's.
//
//   keys       = HKDF-SHA512(ikm = ISK, salt = sid, info = "clipshot-pair-1 keys"): macI | macJ (64 each), sealI | sealJ (32 each)
//   transcript = lv_cat("clipshot-pair-1", sid, Ya, Yb)
//   macX       = HMAC-SHA512(macX key, transcript)
//   sealed     = ChaCha20-Poly1305(sealX key, nonce 0, ad = transcript, identity)   (each key seals one message)
//
// I = inviter, J = joiner. Both MACs depend on K through ISK: without a scalar (never sent) no one
// can compute them, which is what keeps a recorded exchange from confirming a guessed code.
import { createHmac, hkdfSync } from 'node:crypto';
import { prefixFreeConcat } from '../crypto/cpace.js';
import { AEAD_NONCE_BYTES, bytesEqual, chachaOpen, chachaSeal } from '../crypto/primitives.js';
import { PairingError } from './pairing-error.js';
import { PAIRING_MAC_BYTES } from './pairing-messages.js';

export const PAIRING_LABEL = new TextEncoder().encode('clipshot-pair-1');
const KEYS_INFO = new TextEncoder().encode('clipshot-pair-1 keys');
const ZERO_NONCE = new Uint8Array(AEAD_NONCE_BYTES);

export type PairingSide = 'inviter' | 'joiner';

export interface PairingKeys {
  transcript: Uint8Array;
  /** The MAC each side sends. */
  mac: Record<PairingSide, Uint8Array>;
  /** The key each side seals its identity with. */
  seal: Record<PairingSide, Uint8Array>;
}

export function derivePairingKeys(isk: Uint8Array, sid: Uint8Array, joinerShare: Uint8Array, inviterShare: Uint8Array): PairingKeys {
  const okm = new Uint8Array(hkdfSync('sha512', isk, sid, KEYS_INFO, 2 * PAIRING_MAC_BYTES + 2 * 32));
  const transcript = prefixFreeConcat(PAIRING_LABEL, sid, joinerShare, inviterShare);
  const mac = (key: Uint8Array) => new Uint8Array(createHmac('sha512', key).update(transcript).digest());
  return {
    transcript,
    mac: { inviter: mac(okm.subarray(0, 64)), joiner: mac(okm.subarray(64, 128)) },
    seal: { inviter: okm.slice(128, 160), joiner: okm.slice(160, 192) },
  };
}

/** Constant-time check of the other side's MAC. */
export function macMatches(keys: PairingKeys, side: PairingSide, mac: Uint8Array): boolean {
  return bytesEqual(keys.mac[side], mac);
}

export function sealIdentity(keys: PairingKeys, side: PairingSide, identity: Uint8Array): Uint8Array {
  return chachaSeal(keys.seal[side], ZERO_NONCE, keys.transcript, identity);
}

/** Opens the other side's identity; a PairingError 'protocol' when it was tampered with (the MAC already proved the code). */
export function openIdentity(keys: PairingKeys, side: PairingSide, sealed: Uint8Array): Uint8Array {
  const opened = chachaOpen(keys.seal[side], ZERO_NONCE, keys.transcript, sealed);
  if (!opened) throw new PairingError('protocol', 'the other device’s identity did not authenticate');
  return opened;
}
