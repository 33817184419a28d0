// CPace (draft-irtf-cfrg-cpace), cipher suite CPACE-RISTR255-SHA512: the PAKE behind pairing. Both
// devices turn the short pairing code into a secret generator of ristretto255 and exchange one
// Diffie-Hellman share each on it; only someone who knows the code derives the same key, and a
// recorded exchange gives no way to test guesses offline (the shares are uniformly random points
// whatever the code).
//
// Followed to the letter so that the draft's test vectors apply (see tests/unit/sync/cpace.test.ts):
// - generator: SHA-512 over generator_string(DSI, PRS, CI, sid) = lv_cat(DSI, PRS, zero padding to one
//   128-byte block, CI, sid), mapped with ristretto255's one-way map (RFC 9496 element derivation);
// - shares Y = g^y for a random non-zero scalar y, sent as 32-byte ristretto255 encodings;
// - K = Y_peer^y, refused when the peer's share does not decode or is the identity;
// - ISK = SHA-512(lv_cat(DSI || "_ISK", sid, K) || MSGa || MSGb), MSGx = lv_cat(Yx, ADx), in the
//   initiator-responder order (the initiator is the party whose share goes first).
// lv_cat is the draft's prefix_free_cat: each string preceded by its length in LEB128.
import { createHash, randomBytes } from 'node:crypto';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { concatBytes } from './primitives.js';

type RistrettoPoint = InstanceType<typeof ristretto255.Point>;

export const CPACE_DSI = new TextEncoder().encode('CPaceRistretto255');
export const CPACE_SHARE_BYTES = 32;
export const CPACE_ISK_BYTES = 64;
const SHA512_BLOCK_BYTES = 128;
const ISK_LABEL = concatBytes(CPACE_DSI, new TextEncoder().encode('_ISK'));
const ORDER = ristretto255.Point.Fn.ORDER;

// RFC 9496's one-way map (element derivation) from 64 uniform bytes. The hasher's type marks it
// optional because other curves' hashers lack it; ristretto255's always has it.
const oneWayMap = (() => {
  const derive = ristretto255_hasher.deriveToCurve;
  if (!derive) throw new Error('@noble/curves lacks ristretto255 element derivation');
  return (bytes: Uint8Array): RistrettoPoint => derive.call(ristretto255_hasher, bytes);
})();

/** The peer's share is not a usable group element: a forged or corrupted message. */
export class CpaceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

function sha512(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha512').update(data).digest());
}

/** The draft's prepend_len: LEB128 length, then the bytes. */
export function prependLength(data: Uint8Array): Uint8Array {
  const length: number[] = [];
  let rest = data.length;
  do {
    const low = rest & 0x7f;
    rest = Math.floor(rest / 128);
    length.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return concatBytes(Uint8Array.from(length), data);
}

/** The draft's prefix_free_cat (lv_cat): every part length-prefixed, so no two lists encode alike. */
export function prefixFreeConcat(...parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLength));
}

/** generator_string(DSI, PRS, CI, sid, s_in_bytes): the PRS fills SHA-512's first block together with the DSI and zero padding. */
export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const padding = Math.max(0, SHA512_BLOCK_BYTES - 1 - prependLength(prs).length - prependLength(CPACE_DSI).length);
  return prefixFreeConcat(CPACE_DSI, prs, new Uint8Array(padding), ci, sid);
}

/** calculate_generator: the secret base point both sides derive from the code. */
export function cpaceGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): RistrettoPoint {
  return oneWayMap(sha512(generatorString(prs, ci, sid)));
}

/** A uniformly random scalar in [1, order): 64 random bytes reduced (bias below 2^-250), zero refused. */
function sampleScalar(): bigint {
  for (;;) {
    const scalar = bytesToNumberLE(randomBytes(64)) % ORDER;
    if (scalar !== 0n) return scalar;
  }
}

/** scalar_mult_vfy: decode the peer's share and raise it to our scalar, refusing what an honest peer never sends. */
function scalarMultVerify(scalar: bigint, encoded: Uint8Array): Uint8Array {
  if (!(encoded instanceof Uint8Array) || encoded.length !== CPACE_SHARE_BYTES) {
    throw new CpaceError(`a CPace share is ${CPACE_SHARE_BYTES} bytes`);
  }
  let point: RistrettoPoint;
  try {
    point = ristretto255.Point.fromBytes(encoded);
  } catch (error) {
    throw new CpaceError('the peer’s CPace share is not a valid ristretto255 encoding', { cause: error });
  }
  if (point.is0()) throw new CpaceError('the peer’s CPace share is the identity element');
  const shared = point.multiply(scalar);
  // Cannot happen in a prime-order group with a non-zero scalar; checked because the draft says abort on G.I.
  if (shared.is0()) throw new CpaceError('the CPace shared point is the identity element');
  return shared.toBytes();
}

/**
 * ISK = SHA-512(lv_cat(DSI || "_ISK", sid, K) || MSGa || MSGb), MSGx = lv_cat(Yx, ADx), A being the
 * initiator. Exported so that tests can show what ISK depends on.
 */
export function cpaceIsk(
  sid: Uint8Array, k: Uint8Array, initiatorShare: Uint8Array, responderShare: Uint8Array,
  initiatorAd: Uint8Array = new Uint8Array(0), responderAd: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return sha512(concatBytes(prefixFreeConcat(ISK_LABEL, sid, k), prefixFreeConcat(initiatorShare, initiatorAd), prefixFreeConcat(responderShare, responderAd)));
}

export type CpaceRole = 'initiator' | 'responder';

export interface CpaceOptions {
  role: CpaceRole;
  /** Password-related string: the pairing code's canonical bytes. */
  prs: Uint8Array;
  /** Session id, unique per run (the joiner picks 16 random bytes and sends them first). */
  sid: Uint8Array;
  /** Channel identifier, the same on both sides (the protocol and its version). */
  ci?: Uint8Array;
  /** This side's associated data, sent beside the share (empty in ClipShot's use). */
  ad?: Uint8Array;
  /** For known-answer tests only: the scalar, little-endian. In use it is always random. */
  scalar?: Uint8Array;
}

export interface CpaceParty {
  readonly role: CpaceRole;
  /** Y: what this side sends. */
  readonly share: Uint8Array;
  /**
   * ISK from the peer's share (and associated data): 64 bytes, equal on both sides exactly when both
   * used the same code, sid and CI and saw the same shares. Throws CpaceError for an unusable share.
   * Callable once: the scalar is forgotten afterwards.
   */
  finish(peerShare: Uint8Array, peerAd?: Uint8Array): Uint8Array;
}

export function cpaceStart(options: CpaceOptions): CpaceParty {
  const { role, prs, sid } = options;
  if (role !== 'initiator' && role !== 'responder') throw new RangeError(`unknown CPace role ${String(role)}`);
  const ci = options.ci ?? new Uint8Array(0);
  const ad = options.ad ?? new Uint8Array(0);
  let scalar: bigint | null = options.scalar ? bytesToNumberLE(options.scalar) % ORDER : sampleScalar();
  if (scalar === 0n) throw new RangeError('a CPace scalar must not be zero');
  const share = cpaceGenerator(prs, ci, sid).multiply(scalar).toBytes();
  return {
    role,
    share,
    finish(peerShare: Uint8Array, peerAd: Uint8Array = new Uint8Array(0)): Uint8Array {
      if (scalar === null) throw new CpaceError('this CPace run has already finished');
      const y = scalar;
      scalar = null;
      const k = scalarMultVerify(y, peerShare);
      return role === 'initiator' ? cpaceIsk(sid, k, share, peerShare, ad, peerAd) : cpaceIsk(sid, k, peerShare, share, peerAd, ad);
    },
  };
}
