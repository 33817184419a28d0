import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCatalog, type ModelCatalog } from '../../../main/ai/models/catalog.js';

/** How the server treats one file; the fault options apply to the next requests in order, then stop. */
export interface ServedFile {
  body: Buffer;
  /** 'honour' (206 with the range), 'ignore' (200 with the whole file), 'wrong' (206 from the start). */
  ranges?: 'honour' | 'ignore' | 'wrong';
  /** For each of the next requests, send this many bytes of the body, then cut the connection. */
  cutAfter?: number[];
  /** Awaited before a cut, with the file offset the sent bytes reach. */
  beforeCut?: (end: number) => Promise<void>;
  /** For each of the next requests, send this many bytes, then nothing until the client goes. */
  stallAfter?: number[];
  /** Answer every request with this status and no file. */
  status?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer with a redirect to this path (as a CDN does). */
  redirectTo?: string;
}

export interface ServedRequest {
  path: string;
  range: string | undefined;
  status: number;
  /** Body bytes written before the response ended or was cut. */
  bytesSent: number;
}

export interface ModelTestServer {
  /** The mirror base URL: http://127.0.0.1:PORT */
  url: string;
  requests: ServedRequest[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  bytesSentFor(path: string): number;
  close(): Promise<void>;
}

/** A real HTTP server on loopback serving generated model files, with the faults a download meets. */
export async function startModelServer(files: Record<string, ServedFile>): Promise<ModelTestServer> {
  const requests: ServedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const record: ServedRequest = { path: pathname, range: req.headers.range, status: 0, bytesSent: 0 };
    requests.push(record);
    inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    setTimeout(() => answerRequest(req, res, files[pathname], record), files[pathname]?.delayMs ?? 0);
  });
  const answerRequest = (req: http.IncomingMessage, res: http.ServerResponse, file: ServedFile | undefined, record: ServedRequest) => {
    const answer = (status: number, headers: http.OutgoingHttpHeaders = {}) => {
      record.status = status;
      res.writeHead(status, headers);
    };
    if (!file) {
      answer(404);
      return res.end('not found');
    }
    if (file.status) {
      answer(file.status);
      return res.end('failure');
    }
    if (file.redirectTo) {
      answer(302, { location: file.redirectTo });
      return res.end();
    }
    const size = file.body.length;
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    if (match && file.ranges !== 'ignore') {
      start = file.ranges === 'wrong' ? 0 : Number(match[1]);
      answer(206, { 'content-length': size - start, 'content-range': `bytes ${start}-${size - 1}/${size}`, 'accept-ranges': 'bytes' });
    } else {
      answer(200, { 'content-length': size, 'accept-ranges': 'bytes' });
    }
    const body = file.body.subarray(start);
    const cut = file.cutAfter?.shift();
    const stall = file.stallAfter?.shift();
    const limit = cut ?? stall;
    if (limit === undefined) {
      record.bytesSent = body.length;
      return res.end(body);
    }
    const part = body.subarray(0, limit);
    record.bytesSent = part.length;
    res.write(part, () => {
      if (cut === undefined) return;
      // The client drops what it has buffered but not yet read when the connection fails: waiting
      // until it has written what was sent makes the cut land at a known byte.
      void (file.beforeCut?.(start + part.length) ?? Promise.resolve()).then(() => res.socket?.destroy());
    });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    bytesSentFor: (path) => requests.filter((request) => request.path === path).reduce((sum, request) => sum + request.bytesSent, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TestModelFile {
  path: string;
  body: Buffer;
  /** The path on the (mirrored) origin. */
  urlPath: string;
}

/** Files with random bytes for a downloadable model, and a catalog naming them at an https origin the mirror replaces. */
export function testModel(id: string, sizes: number[], version = '1'): { files: TestModelFile[]; entry: ModelCatalog['models'][number] } {
  const files = sizes.map((size, index) => {
    const filePath = index === 0 ? 'config.json' : `onnx/part-${index}.onnx`;
    return { path: filePath, body: randomBytes(size), urlPath: `/${id}/resolve/${version}/${filePath}` };
  });
  return {
    files,
    entry: {
      id,
      title: `Test model ${id}`,
      task: 'tag',
      version,
      licence: 'MIT',
      homepage: 'https://models.example/',
      files: files.map((file) => ({ path: file.path, url: `https://models.example${file.urlPath}`, size: file.body.length, sha256: sha256(file.body) })),
    },
  };
}

export function catalogOf(...entries: ModelCatalog['models']): ModelCatalog {
  return parseCatalog({ schema: 1, models: entries });
}

/** Resolves once `file` holds at least `size` bytes (a download's part file, written by the client). */
export async function waitForFileSize(file: string, size: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await fs.stat(file).then((stat) => stat.size, () => 0);
    if (current >= size) return;
    if (Date.now() > deadline) throw new Error(`${file} stayed at ${current} of ${size} bytes`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
