/**
 * The on-disk blob format, version 1 (a STREAM construction, like Tink's AES-GCM-HKDF streaming AEAD):
 *
 *   header body (64 bytes, big-endian):
 *     0  magic "CLIPBLOB"          8
 *     8  format version (1)        1
 *     9  reserved, zero            3
 *    12  chunk size                4
 *    16  plaintext length          8
 *    24  salt                     32   random per file; HKDF(contentKey, salt) gives this file's keys
 *    56  nonce prefix              7   random per file
 *    63  reserved, zero            1
 *   header MAC (32 bytes): HMAC-SHA256(file header key, header body ‖ SHA-256 of the plaintext)
 *   chunks: AES-256-GCM(file chunk key, nonce = prefix ‖ u32 index ‖ final flag,
 *           AAD = u32 index ‖ final flag), each ciphertext followed by its 16-byte tag;
 *           every chunk holds `chunk size` plaintext bytes but the last; an empty blob has one empty final chunk.
 *
 * The plaintext hash is bound by the MAC but never stored, so a file copied under another blob's name
 * fails before any byte is decrypted and the disk alone does not reveal which content it holds.
 * Chunks are tied to their file by the per-file key, to their place by the nonce and AAD, and the
 * final flag plus the exact expected file length rule out truncation and appended bytes.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const FORMAT_VERSION = 1;
export const CHUNK_SIZE = 64 * 1024;
export const TAG_BYTES = 16;
export const HEADER_BODY_BYTES = 64;
export const HEADER_MAC_BYTES = 32;
export const HEADER_BYTES = HEADER_BODY_BYTES + HEADER_MAC_BYTES;

const MAGIC = Buffer.from('CLIPBLOB', 'ascii');
const SALT_BYTES = 32;
const NONCE_PREFIX_BYTES = 7;
// Bounds for chunk sizes read back from disk, so a header cannot make a reader allocate absurd buffers.
const MIN_CHUNK_SIZE = 1024;
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
// The chunk index is a u32 inside the nonce.
const MAX_CHUNKS = 2 ** 32;
const KEY_INFO = Buffer.from('clipshot blob v1 file keys', 'ascii');

export interface BlobHeader {
  chunkSize: number;
  plaintextLength: number;
  salt: Buffer;
  noncePrefix: Buffer;
}

/** A header problem, described for a BlobIntegrityError. */
export class HeaderFormatError extends Error {}

export function newHeaderFields(chunkSize = CHUNK_SIZE): Omit<BlobHeader, 'plaintextLength'> {
  return { chunkSize, salt: randomBytes(SALT_BYTES), noncePrefix: randomBytes(NONCE_PREFIX_BYTES) };
}

export function chunkCount(plaintextLength: number, chunkSize: number): number {
  return plaintextLength === 0 ? 1 : Math.ceil(plaintextLength / chunkSize);
}

export function chunkOffset(index: number, chunkSize: number): number {
  return HEADER_BYTES + index * (chunkSize + TAG_BYTES);
}

export function chunkPlainLength(index: number, header: BlobHeader): number {
  return Math.min(header.chunkSize, header.plaintextLength - index * header.chunkSize);
}

export function encryptedLength(header: BlobHeader): number {
  return HEADER_BYTES + header.plaintextLength + chunkCount(header.plaintextLength, header.chunkSize) * TAG_BYTES;
}

export function maxPlaintextLength(chunkSize: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, MAX_CHUNKS * chunkSize);
}

export function encodeHeaderBody(header: BlobHeader): Buffer {
  const body = Buffer.alloc(HEADER_BODY_BYTES);
  MAGIC.copy(body, 0);
  body.writeUInt8(FORMAT_VERSION, 8);
  body.writeUInt32BE(header.chunkSize, 12);
  body.writeBigUInt64BE(BigInt(header.plaintextLength), 16);
  header.salt.copy(body, 24);
  header.noncePrefix.copy(body, 56);
  return body;
}

/** Reads what the file's keys depend on; call `decodeHeaderFields` only once the MAC checks out. */
export function readKeyMaterial(body: Buffer): { salt: Buffer; noncePrefix: Buffer } {
  if (body.length !== HEADER_BODY_BYTES) throw new HeaderFormatError('the file is shorter than a blob header');
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw new HeaderFormatError('not a ClipShot blob file');
  const version = body.readUInt8(8);
  if (version !== FORMAT_VERSION) throw new HeaderFormatError(`blob format version ${version} is not supported (this build reads version ${FORMAT_VERSION})`);
  return { salt: body.subarray(24, 24 + SALT_BYTES), noncePrefix: body.subarray(56, 56 + NONCE_PREFIX_BYTES) };
}

export function decodeHeaderFields(body: Buffer): BlobHeader {
  if (body.readUIntBE(9, 3) !== 0 || body.readUInt8(63) !== 0) throw new HeaderFormatError('reserved header bytes are not zero');
  const chunkSize = body.readUInt32BE(12);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) throw new HeaderFormatError(`chunk size ${chunkSize} is out of bounds`);
  const length = body.readBigUInt64BE(16);
  if (length > BigInt(maxPlaintextLength(chunkSize))) throw new HeaderFormatError(`plaintext length ${length} is out of bounds`);
  return {
    chunkSize,
    plaintextLength: Number(length),
    salt: Buffer.from(body.subarray(24, 24 + SALT_BYTES)),
    noncePrefix: Buffer.from(body.subarray(56, 56 + NONCE_PREFIX_BYTES)),
  };
}

/** The keys and nonce prefix of one blob file. */
export class FileCipher {
  readonly #chunkKey: Buffer;
  readonly #headerKey: Buffer;
  readonly #noncePrefix: Buffer;

  constructor(contentKey: Buffer, salt: Buffer, noncePrefix: Buffer) {
    const keys = Buffer.from(hkdfSync('sha256', contentKey, salt, KEY_INFO, 64));
    this.#chunkKey = keys.subarray(0, 32);
    this.#headerKey = keys.subarray(32, 64);
    this.#noncePrefix = noncePrefix;
  }

  headerMac(body: Buffer, plaintextHash: Buffer): Buffer {
    return createHmac('sha256', this.#headerKey).update(body).update(plaintextHash).digest();
  }

  headerMacMatches(body: Buffer, plaintextHash: Buffer, mac: Buffer): boolean {
    return mac.length === HEADER_MAC_BYTES && timingSafeEqual(this.headerMac(body, plaintextHash), mac);
  }

  /** Returns ciphertext and tag; callers write them back to back. */
  seal(index: number, final: boolean, plaintext: Uint8Array): [Buffer, Buffer] {
    const cipher = createCipheriv('aes-256-gcm', this.#chunkKey, this.#nonce(index, final), { authTagLength: TAG_BYTES });
    cipher.setAAD(chunkAad(index, final));
    const ciphertext = plaintext.length === 0 ? Buffer.alloc(0) : cipher.update(plaintext);
    cipher.final();
    return [ciphertext, cipher.getAuthTag()];
  }

  /** Returns the plaintext, or null when the chunk does not authenticate at this place. */
  open(index: number, final: boolean, sealed: Buffer): Buffer | null {
    if (sealed.length < TAG_BYTES) return null;
    const decipher = createDecipheriv('aes-256-gcm', this.#chunkKey, this.#nonce(index, final), { authTagLength: TAG_BYTES });
    decipher.setAAD(chunkAad(index, final));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const ciphertext = sealed.subarray(0, sealed.length - TAG_BYTES);
    const plaintext = ciphertext.length === 0 ? Buffer.alloc(0) : decipher.update(ciphertext);
    try {
      decipher.final();
    } catch {
      return null;
    }
    return plaintext;
  }

  #nonce(index: number, final: boolean): Buffer {
    const nonce = Buffer.alloc(12);
    this.#noncePrefix.copy(nonce, 0);
    nonce.writeUInt32BE(index, NONCE_PREFIX_BYTES);
    nonce.writeUInt8(final ? 1 : 0, 11);
    return nonce;
  }
}

function chunkAad(index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(5);
  aad.writeUInt32BE(index, 0);
  aad.writeUInt8(final ? 1 : 0, 4);
  return aad;
}
