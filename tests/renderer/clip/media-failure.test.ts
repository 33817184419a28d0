// Why an image or video did not load, asked of a real HTTP server the way the clip view asks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeMediaFailure } from '../../../renderer/src/clip/media-failure.js';

let server: http.Server;
let base: string;
let originalUrl: string;

function happyDom(): { setURL(url: string): void } {
  return (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;
}

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const status = Number(request.url?.split('/')[1]);
    response.writeHead(status, status === 500 ? 'Internal Server Error' : undefined);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Media comes from the page's own origin (serve, or the app's protocol): so does it here.
  originalUrl = window.location.href;
  happyDom().setURL(`${base}/`);
});

afterAll(async () => {
  happyDom().setURL(originalUrl);
  await new Promise((resolve) => server.close(resolve));
});

describe('describing a media load failure', () => {
  test('a missing file says so', async () => {
    expect(await describeMediaFailure('image', `${base}/404/media`, null)).toBe('Could not load the image: its file is missing from the library (404).');
  });

  test('a refused request and a server error give their status', async () => {
    expect(await describeMediaFailure('video', `${base}/403/media`, null)).toBe('Could not load the video: access was refused (403).');
    expect(await describeMediaFailure('image', `${base}/500/media`, null)).toBe('Could not load the image: the library answered 500 Internal Server Error.');
  });

  test('a file served fine is a file the window cannot decode; a video says what the player reported', async () => {
    expect(await describeMediaFailure('image', `${base}/200/media`, null)).toBe('Could not load the image: the file is not an image this window can show.');
    const unsupported = { code: 4, message: 'DEMUXER_ERROR_NO_SUPPORTED_STREAMS' } as MediaError;
    expect(await describeMediaFailure('video', `${base}/200/media`, unsupported)).toBe(
      'Could not load the video: the format is not supported here (DEMUXER_ERROR_NO_SUPPORTED_STREAMS).',
    );
  });
});
