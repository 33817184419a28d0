import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BLOB_PROTOCOL_VERSION,
  MAX_BLOB_MESSAGE_BYTES,
  PIECE_BYTES,
  decodeBlobMessage,
  encodeData,
  encodeMissing,
  encodeRequest,
} from '../../../main/sync/blobs/blob-protocol.js';

const hash = createHash('sha256').update('x').digest('hex');

describe('blob channel messages', () => {
  it('round-trips requests, data and missing answers', () => {
    const request = { id: 0xfffffffe, hash, offset: 2 ** 53 - 1, length: PIECE_BYTES };
    expect(decodeBlobMessage(encodeRequest(request))).toEqual({ type: 'request', ...request });
    const body = randomBytes(1234);
    expect(decodeBlobMessage(encodeData(7, 99_999, body))).toEqual({ type: 'data', id: 7, size: 99_999, bytes: body });
    expect(decodeBlobMessage(encodeData(8, 0, Buffer.alloc(0)))).toEqual({ type: 'data', id: 8, size: 0, bytes: Buffer.alloc(0) });
    for (const reason of ['unavailable', 'busy', 'bad-range'] as const) {
      expect(decodeBlobMessage(encodeMissing(3, reason))).toEqual({ type: 'missing', id: 3, reason });
    }
  });

  it('starts every message with the version and copies data bodies out of the caller’s buffer', () => {
    const message = encodeData(1, 4, Buffer.from('abcd'));
    expect(message[0]).toBe(BLOB_PROTOCOL_VERSION);
    const decoded = decodeBlobMessage(message);
    message.fill(0);
    expect(decoded).toMatchObject({ bytes: Buffer.from('abcd') });
  });

  it('decodes a message that is a view into a larger buffer', () => {
    const message = encodeMissing(5, 'busy');
    const larger = Buffer.concat([Buffer.from([2]), message, Buffer.from([9, 9])]);
    expect(decodeBlobMessage(larger.subarray(1, 1 + message.length))).toEqual({ type: 'missing', id: 5, reason: 'busy' });
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['too short for the prefix', Buffer.from([1, 1, 0, 0])],
    ['another version', Buffer.concat([Buffer.from([2]), encodeMissing(1, 'busy').subarray(1)])],
    ['an unknown type', Buffer.from([1, 9, 0, 0, 0, 1, 1])],
    ['a request one byte short', encodeRequest({ id: 1, hash, offset: 0, length: 1 }).subarray(0, 49)],
    ['a request one byte long', Buffer.concat([encodeRequest({ id: 1, hash, offset: 0, length: 1 }), Buffer.alloc(1)])],
    ['a request for nothing', encodeRequest({ id: 1, hash, offset: 0, length: 1 }).fill(0, 46)],
    ['a request for more than a piece', (() => { const m = encodeRequest({ id: 1, hash, offset: 0, length: 1 }); m.writeUInt32BE(PIECE_BYTES + 1, 46); return m; })()],
    ['an offset past 2^53', (() => { const m = encodeRequest({ id: 1, hash, offset: 0, length: 1 }); m.writeBigUInt64BE(2n ** 53n, 38); return m; })()],
    ['a data size past 2^53', (() => { const m = encodeData(1, 0, Buffer.alloc(0)); m.writeBigUInt64BE(2n ** 64n - 1n, 6); return m; })()],
    ['data without its size', encodeData(1, 0, Buffer.alloc(0)).subarray(0, 10)],
    ['data longer than a piece', encodeData(1, PIECE_BYTES + 1, Buffer.alloc(PIECE_BYTES + 1))],
    ['an unknown missing reason', Buffer.from([1, 3, 0, 0, 0, 1, 4])],
    ['a missing reason of zero', Buffer.from([1, 3, 0, 0, 0, 1, 0])],
    ['a missing answer with a trailing byte', Buffer.concat([encodeMissing(1, 'busy'), Buffer.alloc(1)])],
  ])('refuses %s', (_name, message) => {
    expect(decodeBlobMessage(message)).toBeNull();
  });

  it('refuses anything longer than the largest message before reading it, and anything that is not bytes', () => {
    expect(MAX_BLOB_MESSAGE_BYTES).toBe(14 + PIECE_BYTES);
    expect(decodeBlobMessage(encodeData(1, PIECE_BYTES, Buffer.alloc(PIECE_BYTES)))).not.toBeNull();
    expect(decodeBlobMessage(Buffer.alloc(MAX_BLOB_MESSAGE_BYTES + 1, 1))).toBeNull();
    expect(decodeBlobMessage('text' as unknown as Uint8Array)).toBeNull();
    expect(decodeBlobMessage(undefined as unknown as Uint8Array)).toBeNull();
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 5_000; i += 1) {
      const message = randomBytes(Math.floor(Math.random() * 80));
      if (i % 2 === 0 && message.length > 1) message[0] = 1;
      expect(() => decodeBlobMessage(message)).not.toThrow();
    }
  });
});
