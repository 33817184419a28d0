/**
 * The blob channel's messages, version 1. Binary, big-endian; every message starts with
 * [version u8][type u8][request id u32]:
 *
 *   request  (type 1, exactly 50 bytes): hash 32 bytes ‖ offset u64 ‖ length u32 (1..PIECE_BYTES)
 *   data     (type 2, 14 bytes + body):  blob size u64 ‖ body (the requested bytes, clipped to the blob)
 *   missing  (type 3, exactly 7 bytes):  reason u8 (1 unavailable, 2 busy, 3 bad range)
 *
 * The requester numbers its requests; each gets exactly one answer, data or missing. An answer
 * carries no hash or offset: the id says what it answers, and the requester checks the body's length
 * against what it asked. "Unavailable" also covers "not allowed", so a peer learns nothing about
 * blobs it may not have. Anything else (another version, an unknown type, a wrong length, an offset
 * or size past 2^53) does not decode.
 */
import { isBlobHash } from '../../library/blobs/blob-names.js';

export const BLOB_PROTOCOL_VERSION = 1;
/** The most a request asks for: small blobs (thumbnails) come whole in one answer. */
export const PIECE_BYTES = 256 * 1024;

const TYPE_REQUEST = 1;
const TYPE_DATA = 2;
const TYPE_MISSING = 3;
const PREFIX_BYTES = 6;
const REQUEST_BYTES = PREFIX_BYTES + 32 + 8 + 4;
const DATA_HEADER_BYTES = PREFIX_BYTES + 8;
const MISSING_BYTES = PREFIX_BYTES + 1;
/** Longer messages are refused before they are parsed. */
export const MAX_BLOB_MESSAGE_BYTES = DATA_HEADER_BYTES + PIECE_BYTES;

const REASONS = ['unavailable', 'busy', 'bad-range'] as const;
export type MissingReason = (typeof REASONS)[number];

export interface BlobRequest {
  type: 'request';
  id: number;
  hash: string;
  offset: number;
  length: number;
}

export interface BlobData {
  type: 'data';
  id: number;
  size: number;
  bytes: Buffer;
}

export interface BlobMissing {
  type: 'missing';
  id: number;
  reason: MissingReason;
}

export type BlobMessage = BlobRequest | BlobData | BlobMissing;

export function encodeRequest(request: Omit<BlobRequest, 'type'>): Buffer {
  const message = prefix(REQUEST_BYTES, TYPE_REQUEST, request.id);
  Buffer.from(request.hash, 'hex').copy(message, PREFIX_BYTES);
  message.writeBigUInt64BE(BigInt(request.offset), PREFIX_BYTES + 32);
  message.writeUInt32BE(request.length, PREFIX_BYTES + 40);
  return message;
}

export function encodeData(id: number, size: number, bytes: Uint8Array): Buffer {
  const message = prefix(DATA_HEADER_BYTES + bytes.length, TYPE_DATA, id);
  message.writeBigUInt64BE(BigInt(size), PREFIX_BYTES);
  message.set(bytes, DATA_HEADER_BYTES);
  return message;
}

export function encodeMissing(id: number, reason: MissingReason): Buffer {
  const message = prefix(MISSING_BYTES, TYPE_MISSING, id);
  message.writeUInt8(REASONS.indexOf(reason) + 1, PREFIX_BYTES);
  return message;
}

/** The message, or null when it is not a well-formed version-1 message. A data body is copied: the caller may reuse its buffer. */
export function decodeBlobMessage(message: Uint8Array): BlobMessage | null {
  if (!(message instanceof Uint8Array) || message.length < PREFIX_BYTES || message.length > MAX_BLOB_MESSAGE_BYTES) return null;
  const view = Buffer.from(message.buffer, message.byteOffset, message.length);
  if (view.readUInt8(0) !== BLOB_PROTOCOL_VERSION) return null;
  const id = view.readUInt32BE(2);
  switch (view.readUInt8(1)) {
    case TYPE_REQUEST: {
      if (view.length !== REQUEST_BYTES) return null;
      const hash = view.toString('hex', PREFIX_BYTES, PREFIX_BYTES + 32);
      const offset = safeU64(view, PREFIX_BYTES + 32);
      const length = view.readUInt32BE(PREFIX_BYTES + 40);
      if (!isBlobHash(hash) || offset === null || length < 1 || length > PIECE_BYTES) return null;
      return { type: 'request', id, hash, offset, length };
    }
    case TYPE_DATA: {
      if (view.length < DATA_HEADER_BYTES) return null;
      const size = safeU64(view, PREFIX_BYTES);
      if (size === null) return null;
      return { type: 'data', id, size, bytes: Buffer.from(view.subarray(DATA_HEADER_BYTES)) };
    }
    case TYPE_MISSING: {
      if (view.length !== MISSING_BYTES) return null;
      const reason = REASONS[view.readUInt8(PREFIX_BYTES) - 1];
      return reason === undefined ? null : { type: 'missing', id, reason };
    }
    default:
      return null;
  }
}

function prefix(length: number, type: number, id: number): Buffer {
  const message = Buffer.allocUnsafe(length);
  message.writeUInt8(BLOB_PROTOCOL_VERSION, 0);
  message.writeUInt8(type, 1);
  message.writeUInt32BE(id, 2);
  return message;
}

function safeU64(view: Buffer, at: number): number | null {
  const value = view.readBigUInt64BE(at);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(value);
}
