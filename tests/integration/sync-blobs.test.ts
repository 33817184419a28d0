import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobNotFoundError } from '../../main/library/blobs/blob-store.js';
import { decodeBlobMessage, encodeData, encodeMissing, encodeRequest, MAX_BLOB_MESSAGE_BYTES, PIECE_BYTES } from '../../main/sync/blobs/blob-protocol.js';
import { BlobUnavailableError } from '../../main/sync/blobs/blob-sync.js';
import { LinkPair, closeDevices, corruptData, filesUnder, give, newDevice, partialPrefix, sha256, thumbnails, until } from './sync-blobs-helpers.js';

afterEach(closeDevices);

describe('blob sync between two devices', () => {
  it('fetches a small blob whole in one round trip, and an empty one', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const small = randomBytes(30_000);
    const hash = await give(small, a);
    const empty = await give(Buffer.alloc(0), a);
    const link = new LinkPair(a, b).connect();

    await b.sync.fetch(hash);
    expect(link.stats(b).messages).toBe(1);
    expect(link.stats(a).messages).toBe(1);
    expect((await b.store.readAll(hash)).equals(small)).toBe(true);
    await b.sync.fetch(empty);
    expect((await b.store.readAll(empty)).length).toBe(0);
    expect(b.sync.progress).toMatchObject({ pending: 0, inFlight: 0, fetched: 2, failed: 0, bytesReceived: 30_000 });
    expect(a.sync.progress.bytesSent).toBe(30_000);
  });

  it('fetches a multi-piece blob in pipelined pieces through an encrypted partial file', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const big = randomBytes(5 * PIECE_BYTES + 12_345);
    const hash = await give(big, a);
    const link = new LinkPair(a, b).connect();

    await b.sync.fetch(hash);
    expect((await b.store.readAll(hash)).equals(big)).toBe(true);
    expect(await b.store.check(hash)).toBe('ok');
    expect(link.stats(b).messages).toBe(6);
    expect(link.stats(a).dataBytes).toBe(big.length);
    // The partial file is gone once the blob is stored.
    expect(await filesUnder(b.partialDir)).toEqual([]);
  });

  it('syncs 2,000 thumbnails wanted in the background, skipping the ones already here', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const contents = thumbnails(2_000);
    const hashes: string[] = [];
    for (const bytes of contents) hashes.push(await give(bytes, a));
    for (const bytes of contents.slice(0, 100)) await b.store.putBytes(bytes);
    const progress: number[] = [];
    b.restart({ onProgress: (p) => progress.push(p.fetched) });
    new LinkPair(a, b).connect();

    const started = performance.now();
    b.sync.want(hashes);
    expect(b.sync.progress.pending).toBe(2_000);
    await until(() => b.sync.progress.pending === 0, 60_000, 'the thumbnails');
    const seconds = (performance.now() - started) / 1000;
    console.log(`2,000 thumbnails in ${seconds.toFixed(2)} s: ${Math.round(1_900 / seconds)} per second`);

    expect(b.sync.progress).toMatchObject({ fetched: 1_900, failed: 0, inFlight: 0 });
    for (const hash of hashes) expect(await b.store.check(hash)).toBe('ok');
    // Progress is reported, coalesced (far fewer calls than blobs), up to the last one.
    expect(progress.at(-1)).toBe(1_900);
    expect(progress.length).toBeLessThan(1_900);
  });

  it('asks no peer for what it has, and refuses a want that is not a hash, wanting none of it', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const hash = await give(randomBytes(100), a, b);
    const link = new LinkPair(a, b).connect();
    await b.sync.fetch(hash);
    expect(() => b.sync.want([sha256(Buffer.from('x')), 'not-a-hash'])).toThrow(/not a blob hash/);
    expect(b.sync.progress.pending).toBe(0);
    await expect(b.sync.fetch('ABC')).rejects.toThrow(/not a blob hash/);
    expect(link.stats(b).messages).toBe(0);
  });
});

describe('blob sync against damaged copies', () => {
  it.each([
    ['a small blob', 20_000],
    ['a multi-piece blob', 3 * PIECE_BYTES + 7],
  ])('rejects %s that arrives corrupted and fetches it again from an honest peer', async (_name, size) => {
    const liar = await newDevice('device-liar');
    const honest = await newDevice('device-honest');
    const b = await newDevice('device-b');
    const bytes = randomBytes(size);
    const hash = await give(bytes, liar, honest);
    // The liar connects first, so it is asked first.
    new LinkPair(liar, b).tamper(liar, corruptData).connect();
    const honestLink = new LinkPair(honest, b).connect();

    await b.sync.fetch(hash);
    expect(b.sync.corruptCopies).toBe(1);
    expect(honestLink.stats(honest).dataBytes).toBe(size);
    expect((await b.store.readAll(hash)).equals(bytes)).toBe(true);
    expect(await filesUnder(b.partialDir)).toEqual([]);
  });

  it('gives up with BlobUnavailableError after repeated corrupt copies, keeping nothing', async () => {
    const liar = await newDevice('device-liar');
    const b = await newDevice('device-b');
    const hash = await give(randomBytes(2 * PIECE_BYTES), liar);
    new LinkPair(liar, b).tamper(liar, corruptData).connect();

    const error = await b.sync.fetch(hash).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobUnavailableError);
    expect((error as BlobUnavailableError).reason).toBe('corrupt-copies');
    expect(b.sync.corruptCopies).toBe(3);
    expect(b.sync.progress).toMatchObject({ failed: 1, pending: 0, fetched: 0 });
    expect(await b.store.has(hash)).toBe(false);
    await until(async () => (await filesUnder(b.partialDir)).length === 0, 5_000, 'the partial file to go');
  });

  it('treats an answer of the wrong length as a damaged copy', async () => {
    const liar = await newDevice('device-liar');
    const honest = await newDevice('device-honest');
    const b = await newDevice('device-b');
    const bytes = randomBytes(5_000);
    const hash = await give(bytes, liar, honest);
    new LinkPair(liar, b).tamper(liar, (message) => message.subarray(0, message.length - 1)).connect();
    new LinkPair(honest, b).connect();

    await b.sync.fetch(hash);
    expect(b.sync.corruptCopies).toBe(1);
    expect((await b.store.readAll(hash)).equals(bytes)).toBe(true);
  });
});

describe('blob sync across cuts and restarts', () => {
  /** Cuts the link once `b` has received `bytes` of blob data, then waits for what arrived to be written. */
  async function cutAfter(a: Awaited<ReturnType<typeof newDevice>>, b: Awaited<ReturnType<typeof newDevice>>, bytes: number, hash: string) {
    const link = new LinkPair(a, b);
    let cut = false;
    link.onDelivered(() => {
      if (!cut && link.stats(a).dataBytes >= bytes) {
        cut = true;
        link.cut();
      }
    });
    link.connect();
    const fetching = b.sync.fetch(hash);
    fetching.catch(() => undefined);
    await until(() => cut, 30_000, 'the cut');
    return { link, fetching };
  }

  it('resumes a cut transfer from its partial file, re-sending only what was missing', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const big = randomBytes(16 * PIECE_BYTES + 99);
    const hash = await give(big, a);
    const { fetching } = await cutAfter(a, b, 8 * PIECE_BYTES, hash);
    expect(b.sync.progress.pending).toBe(1);
    const kept = await partialPrefix(b.partialDir);
    expect(kept).toBeGreaterThanOrEqual(PIECE_BYTES);

    const again = new LinkPair(a, b).connect();
    await fetching;
    expect((await b.store.readAll(hash)).equals(big)).toBe(true);
    expect(again.stats(a).dataBytes).toBe(big.length - kept);
    expect(await filesUnder(b.partialDir)).toEqual([]);
  });

  it('resumes from the partial file in a new BlobSync after a restart', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const big = randomBytes(12 * PIECE_BYTES + 1);
    const hash = await give(big, a);
    const { fetching } = await cutAfter(a, b, 6 * PIECE_BYTES, hash);
    await b.sync.close();
    await expect(fetching).rejects.toBeInstanceOf(BlobUnavailableError);
    const kept = await partialPrefix(b.partialDir);
    expect(kept).toBeGreaterThanOrEqual(PIECE_BYTES);

    const restarted = b.restart();
    const again = new LinkPair(a, b).connect();
    await restarted.fetch(hash);
    expect((await b.store.readAll(hash)).equals(big)).toBe(true);
    expect(again.stats(a).dataBytes).toBe(big.length - kept);
  });

  it('deletes a partial download once the blob arrives another way', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const big = randomBytes(8 * PIECE_BYTES);
    const hash = await give(big, a);
    await cutAfter(a, b, 3 * PIECE_BYTES, hash);
    await b.sync.close();
    expect(await filesUnder(b.partialDir)).toHaveLength(1);

    await b.store.putBytes(big);
    const restarted = b.restart();
    restarted.want([hash]);
    await until(() => restarted.progress.pending === 0, 10_000, 'the want');
    await until(async () => (await filesUnder(b.partialDir)).length === 0, 10_000, 'the partial file to go');
    expect(restarted.progress.fetched).toBe(0);
  });

  it('keeps no plaintext of a partial download on disk', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const marker = Buffer.from('CLIPSHOT-PLAINTEXT-MARKER-');
    const bytes = Buffer.concat(Array.from({ length: Math.ceil((4 * PIECE_BYTES) / marker.length) }, () => marker));
    const hash = await give(bytes, a);
    await cutAfter(a, b, 2 * PIECE_BYTES, hash);
    await b.sync.close();

    const partials = await filesUnder(b.partialDir);
    expect(partials).toHaveLength(1);
    expect(partials[0]!.length).toBeGreaterThan(PIECE_BYTES);
    expect(partials[0]!.includes(marker.subarray(0, 12))).toBe(false);
    expect(partials[0]!.includes(Buffer.from(hash, 'hex'))).toBe(false);
  });

  it('resumes a transfer cut from one peer with another peer', async () => {
    const a = await newDevice('device-a');
    const c = await newDevice('device-c');
    const b = await newDevice('device-b');
    const big = randomBytes(10 * PIECE_BYTES);
    const hash = await give(big, a, c);
    const { fetching } = await cutAfter(a, b, 5 * PIECE_BYTES, hash);
    const kept = await partialPrefix(b.partialDir);
    expect(kept).toBeGreaterThanOrEqual(PIECE_BYTES);

    const other = new LinkPair(c, b).connect();
    await fetching;
    expect((await b.store.readAll(hash)).equals(big)).toBe(true);
    expect(other.stats(c).dataBytes).toBe(big.length - kept);
  });

  it('stops a fetch whose signal aborts, keeping its partial file for the next fetch', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const big = randomBytes(12 * PIECE_BYTES);
    const hash = await give(big, a);
    const controller = new AbortController();
    const link = new LinkPair(a, b).onDelivered(() => {
      if (link.stats(a).dataBytes >= 3 * PIECE_BYTES) controller.abort();
    });
    link.connect();
    await expect(b.sync.fetch(hash, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b.sync.fetch(hash, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await until(() => b.sync.progress.pending === 0, 10_000, 'the aborted transfer to stop');
    const kept = await partialPrefix(b.partialDir);
    expect(kept).toBeGreaterThanOrEqual(PIECE_BYTES);
    expect(kept).toBeLessThan(big.length);
    const before = link.stats(a).dataBytes;

    await b.sync.fetch(hash);
    expect(link.stats(a).dataBytes - before).toBe(big.length - kept);
    expect((await b.store.readAll(hash)).equals(big)).toBe(true);
    expect(b.sync.progress).toMatchObject({ fetched: 1, failed: 0 });
  });

  it('rejects an on-demand fetch whose sender does not come back in time', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b', { pausedFetchTimeoutMs: 200 });
    const hash = await give(randomBytes(6 * PIECE_BYTES), a);
    const { fetching } = await cutAfter(a, b, 2 * PIECE_BYTES, hash);
    const error = await fetching.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobUnavailableError);
    expect((error as BlobUnavailableError).reason).toBe('peer-gone');
  });
});

describe('blob sync against bad input', () => {
  it('ignores malformed, oversized, random and unasked-for messages while honest transfers go on', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const contents = thumbnails(50);
    const big = randomBytes(3 * PIECE_BYTES);
    const hashes = [...(await Promise.all(contents.map((bytes) => give(bytes, a)))), await give(big, a)];
    const link = new LinkPair(a, b).connect();
    const noise = [
      new Uint8Array(0),
      randomBytes(1),
      randomBytes(50),
      randomBytes(MAX_BLOB_MESSAGE_BYTES + 1),
      Buffer.concat([Buffer.from([1, 2]), randomBytes(MAX_BLOB_MESSAGE_BYTES)]),
      Buffer.from([9, 1, 0, 0, 0, 1]),
      encodeMissing(4_000_000, 'busy'),
      encodeData(4_000_001, 10, Buffer.alloc(10)),
      Buffer.from([1, 3, 0, 0, 0, 1, 77]),
      encodeRequest({ id: 1, hash: hashes[0]!, offset: 0, length: 10 }).subarray(0, 49),
      'not bytes' as unknown as Uint8Array,
      null as unknown as Uint8Array,
    ];
    for (const message of noise) {
      expect(() => b.sync.receive('device-a', message)).not.toThrow();
      expect(() => a.sync.receive('device-b', message)).not.toThrow();
    }
    // From a device that was never added: ignored, even when well formed.
    b.sync.receive('device-stranger', encodeMissing(1, 'unavailable'));
    a.sync.receive('device-stranger', encodeRequest({ id: 1, hash: hashes[0]!, offset: 0, length: 10 }));
    expect(b.sync.ignoredMessages).toBe(noise.length + 1);
    expect(a.sync.ignoredMessages).toBe(noise.length + 1);

    b.sync.want(hashes);
    // More noise while the transfers run, including answers to requests never made.
    for (let i = 0; i < 200; i += 1) b.sync.receive('device-a', randomBytes(1 + Math.floor(Math.random() * 300)));
    for (let i = 0; i < 20; i += 1) b.sync.receive('device-a', encodeData(3_000_000 + i, 100, randomBytes(100)));
    await until(() => b.sync.progress.pending === 0, 30_000, 'the honest transfers');
    expect(b.sync.progress).toMatchObject({ fetched: 51, failed: 0 });
    for (const hash of hashes) expect(await b.store.check(hash)).toBe('ok');
    expect(b.sync.corruptCopies).toBe(0);
    expect(link.stats(a).dataBytes).toBe(big.length + contents.reduce((sum, bytes) => sum + bytes.length, 0));
  });

  it('answers a peer that asks for a range past the end with "bad range" and serves nothing', async () => {
    const a = await newDevice('device-a');
    const hash = await give(randomBytes(1_000), a);
    const answers: Buffer[] = [];
    a.sync.addPeer({ peerId: 'device-b', send: (message) => answers.push(Buffer.from(message)) });
    a.sync.receive('device-b', encodeRequest({ id: 7, hash, offset: 5_000, length: 10 }));
    a.sync.receive('device-b', encodeRequest({ id: 8, hash: sha256(Buffer.from('absent')), offset: 0, length: 10 }));
    await until(() => answers.length === 2, 5_000, 'the answers');
    expect(answers).toContainEqual(encodeMissing(7, 'bad-range'));
    expect(answers).toContainEqual(encodeMissing(8, 'unavailable'));
    expect(a.sync.progress.bytesSent).toBe(0);
  });

  it('rejects with BlobUnavailableError when mayServe denies the blob, as when no peer has it', async () => {
    const a = await newDevice('device-a', { mayServe: (_peer, hash) => hash !== denied });
    const b = await newDevice('device-b');
    const bytes = randomBytes(2_000);
    const denied = sha256(bytes);
    await give(bytes, a);
    const allowed = await give(randomBytes(2_000), a);
    new LinkPair(a, b).connect();

    const error = await b.sync.fetch(denied).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobUnavailableError);
    expect((error as BlobUnavailableError).reason).toBe('no-peer-has-it');
    await b.sync.fetch(allowed);
    expect(b.sync.progress).toMatchObject({ failed: 1, fetched: 1, pending: 0 });
  });

  it('serves nothing by default', async () => {
    const a = await newDevice('device-a', { mayServe: undefined });
    const b = await newDevice('device-b');
    const hash = await give(randomBytes(100), a);
    new LinkPair(a, b).connect();
    await expect(b.sync.fetch(hash)).rejects.toBeInstanceOf(BlobUnavailableError);
  });

  it('rejects at once when no peer is connected, and parks a background want until one is', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const hash = await give(randomBytes(100), a);
    await expect(b.sync.fetch(hash)).rejects.toMatchObject({ reason: 'no-peer-has-it' });
    b.sync.want([hash]);
    await until(() => b.sync.progress.inFlight === 0, 5_000, 'the want to park');
    expect(b.sync.progress.pending).toBe(1);
    new LinkPair(a, b).connect();
    await until(() => b.sync.progress.pending === 0, 5_000, 'the want');
    expect(await b.store.check(hash)).toBe('ok');
  });
});

describe('blob sync with peers that stall or are busy', () => {
  it('passes over a peer that stops answering, and asks it nothing more until it answers again', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b', { stallTimeoutMs: 300 });
    const first = await give(randomBytes(5_000), a);
    const second = await give(randomBytes(5_000), a);
    const toMute: Buffer[] = [];
    // Connected first, so it is asked first; it takes requests and never answers.
    b.sync.addPeer({ peerId: 'device-mute', send: (message) => toMute.push(Buffer.from(message)) });
    new LinkPair(a, b).connect();

    const started = Date.now();
    await b.sync.fetch(first);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(toMute).toHaveLength(1);
    await b.sync.fetch(second);
    expect(toMute).toHaveLength(1);
    expect(await b.store.check(second)).toBe('ok');

    // A late answer shows it is alive: it is asked again (and passed over again when it goes quiet).
    const late = decodeBlobMessage(toMute[0]!);
    b.sync.receive('device-mute', encodeMissing(late!.id, 'unavailable'));
    const third = await give(randomBytes(5_000), a);
    await b.sync.fetch(third);
    expect(toMute).toHaveLength(2);
  });

  it('asks a busy peer again a little later', async () => {
    const b = await newDevice('device-b');
    const bytes = randomBytes(3_000);
    const hash = sha256(bytes);
    let requests = 0;
    b.sync.addPeer({
      peerId: 'device-a',
      send: (message) => {
        const request = decodeBlobMessage(message);
        if (request?.type !== 'request') return;
        requests += 1;
        const answer = requests === 1 ? encodeMissing(request.id, 'busy') : encodeData(request.id, bytes.length, bytes);
        setImmediate(() => b.sync.receive('device-a', answer));
      },
    });
    await b.sync.fetch(hash);
    expect(requests).toBe(2);
    expect((await b.store.readAll(hash)).equals(bytes)).toBe(true);
  });
});

describe('the blob store fetches what it lacks', () => {
  it('reads a missing blob through BlobSync (readAll, streams, size, export)', async () => {
    const a = await newDevice('device-a');
    const b = await newDevice('device-b');
    const bytes = randomBytes(3 * PIECE_BYTES + 5);
    const hash = await give(bytes, a);
    new LinkPair(a, b).connect();
    b.store.setMissingBlobSource((missing) => b.sync.fetch(missing));

    expect(await b.store.has(hash)).toBe(false);
    expect(await b.store.check(hash)).toBe('missing');
    expect((await b.store.readAll(hash)).equals(bytes)).toBe(true);
    expect(b.sync.progress.fetched).toBe(1);

    const other = randomBytes(1_000);
    const otherHash = await give(other, a);
    expect(await b.store.size(otherHash)).toBe(1_000);
  });

  it('says why when no device has it', async () => {
    const b = await newDevice('device-b');
    b.store.setMissingBlobSource((missing) => b.sync.fetch(missing));
    const hash = sha256(Buffer.from('nowhere'));
    const error = await b.store.readAll(hash).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlobNotFoundError);
    expect((error as Error).message).toMatch(/no connected device has it/);
  });
});
