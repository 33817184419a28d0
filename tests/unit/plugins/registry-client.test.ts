import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketplaceError } from '../../../main/plugins/marketplace/marketplace-errors.js';
import { RegistryClient } from '../../../main/plugins/marketplace/registry-client.js';
import { normaliseRegistryUrl } from '../../../main/plugins/marketplace/registry-settings.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP server on loopback answering every request with `handler`. */
async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(promise: Promise<unknown>): Promise<MarketplaceError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MarketplaceError);
  return error as MarketplaceError;
}

describe('RegistryClient', () => {
  it('reads JSON and sends the token; encodes scoped names', async () => {
    const seen: { url: string | undefined; auth: string | undefined }[] = [];
    const url = await serve((request, response) => {
      seen.push({ url: request.url, auth: request.headers.authorization });
      response.setHeader('content-type', 'application/json').end('{"ok":true}');
    });
    const client = new RegistryClient({ url: `${url}/`, token: 'secret-token' });
    expect(client.url).toBe(url);
    expect(await client.getJson(client.packagePath('@acme/plugin'), 'x')).toEqual({ ok: true });
    expect(seen).toEqual([{ url: '/@acme%2Fplugin', auth: 'Bearer secret-token' }]);
  });

  it('names a 404, an error status with the registry\'s reason, and a body that is not JSON', async () => {
    const url = await serve((request, response) => {
      if (request.url === '/missing') response.writeHead(404).end('{"error":"no such package available"}');
      else if (request.url === '/broken') response.writeHead(500, 'Internal Server Error').end('{"error":"storage is on fire"}');
      else response.end('<html>not json</html>');
    });
    const client = new RegistryClient({ url });
    const missing = await failure(client.getJson('/missing', 'acme-plugin'));
    expect([missing.code, missing.status, missing.message]).toEqual(['not-found', 404, `acme-plugin: not found in the registry ${url}`]);
    const broken = await failure(client.getJson('/broken', 'acme-plugin'));
    expect([broken.code, broken.message]).toEqual(['http', `acme-plugin: the registry ${url} answered 500 Internal Server Error (storage is on fire)`]);
    const html = await failure(client.getJson('/html', 'acme-plugin'));
    expect([html.code, html.message]).toEqual(['bad-response', `acme-plugin: the registry ${url} answered with something that is not JSON`]);
  });

  it('gives up on a registry that does not answer in time, and on a body past its size bound', async () => {
    const url = await serve((request, response) => {
      if (request.url === '/big') response.end(Buffer.alloc(5000));
      // Otherwise: never answers.
    });
    const slow = await failure(new RegistryClient({ url, timeoutMs: 300 }).getJson('/slow', 'searching'));
    expect([slow.code, slow.message]).toEqual(['timeout', `searching: the registry ${url} did not answer within 300 ms`]);
    const big = await failure(new RegistryClient({ url }).getBytes(`${url}/big`, 'the tarball', 1000));
    expect(big.code).toBe('too-large');
    const notHttp = await failure(new RegistryClient({ url }).getBytes('file:///etc/passwd', 'the tarball', 1000));
    expect(notHttp.message).toBe(`the registry ${url} gave a non-http(s) address for the tarball: file:///etc/passwd`);
  });

  it('accepts only http(s) registry URLs without credentials', () => {
    expect(normaliseRegistryUrl('https://registry.npmjs.org/')).toBe('https://registry.npmjs.org');
    expect(normaliseRegistryUrl('http://127.0.0.1:4873/npm/')).toBe('http://127.0.0.1:4873/npm');
    expect(() => normaliseRegistryUrl('ftp://example.com')).toThrow('ftp://example.com is not an http(s) URL');
    expect(() => normaliseRegistryUrl('registry')).toThrow('"registry" is not a registry URL');
    expect(() => normaliseRegistryUrl('https://me:pw@example.com')).toThrow('must not hold a user name or password');
  });
});
