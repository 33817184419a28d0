import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { parseRangeHeader } from '../../api/byte-range.js';
import type { BlobStore } from '../blobs/blob-store.js';

/** A blob's plaintext, readable by ffmpeg at `url` until closed. */
export interface BlobInput {
  url: string;
  close(): Promise<void>;
}

/**
 * Lets ffmpeg read an encrypted blob without a decrypted copy on disk: a loopback HTTP server
 * answers range requests (ffmpeg seeks through them) by decrypting only the chunks asked for.
 * The path is a random token, so nothing else on the machine can guess its way to the bytes.
 */
export async function openBlobInput(blobs: BlobStore, hash: string): Promise<BlobInput> {
  const size = await blobs.size(hash);
  const token = randomBytes(16).toString('hex');
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    if (request.url !== `/${token}` || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404).end();
      return;
    }
    const range = parseRangeHeader(request.headers.range, size);
    if (range === 'unsatisfiable') {
      response.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const headers = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', 'Content-Length': String(end - start + 1) };
    response.writeHead(range ? 206 : 200, range ? { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` } : headers);
    if (request.method === 'HEAD' || size === 0) {
      response.end();
      return;
    }
    // ffmpeg drops a connection whenever it seeks: that ends the pipeline with an error nobody needs to see.
    void blobs
      .createReadStream(hash, { start, end })
      .then((stream) => pipeline(stream, response))
      .catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Runs `work` with the blob readable at a URL, and closes it afterwards, whatever happens. */
export async function withBlobInput<T>(blobs: BlobStore, hash: string, work: (url: string) => Promise<T>): Promise<T> {
  const input = await openBlobInput(blobs, hash);
  try {
    return await work(input.url);
  } finally {
    await input.close();
  }
}
