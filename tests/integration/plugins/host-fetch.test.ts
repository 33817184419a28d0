// net.fetch as the host does it for plugins, against real HTTP servers on 127.0.0.1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pluginFetch, publicOnlyLookup } from '../../../main/plugins/host/plugin-fetch.js';

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

function serve(handler: http.RequestListener): Promise<string> {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

const limits = { timeoutMs: 1_000, maxResponseBytes: 1_000 };

describe('net.fetch for plugins', () => {
  it('sends the request without the headers that would reshape it, and hands redirects back unfollowed', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const host = await serve((request, response) => {
      seen.push(request.headers);
      if (request.url === '/moved') {
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
        response.end();
        return;
      }
      response.end(`${request.method} ${request.url}`);
    });
    const permissions = [`net:${host}`] as const;
    expect(await pluginFetch({ url: `http://${host}/a?b=1`, init: { method: 'PUT', body: 'data', headers: { 'x-plugin': 'yes', Host: 'evil.example', 'Accept-Encoding': 'gzip' } } }, [...permissions], limits)).toMatchObject({ status: 200, body: 'PUT /a?b=1' });
    expect(seen[0]).toMatchObject({ 'x-plugin': 'yes', host, 'content-length': '4' });
    expect(seen[0]!['accept-encoding']).toBeUndefined();
    expect(await pluginFetch({ url: `http://${host}/moved` }, [...permissions], limits)).toMatchObject({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
    expect(seen).toHaveLength(2);
  });

  it('cuts off a response over the size cap and a server that is too slow', async () => {
    const host = await serve((request, response) => {
      if (request.url === '/big') response.end('x'.repeat(5_000));
      else setTimeout(() => response.end('late'), 3_000);
    });
    await expect(pluginFetch({ url: `http://${host}/big` }, [`net:${host}`], limits)).rejects.toMatchObject({ code: 'host-error', message: expect.stringContaining('over 1000 bytes') });
    await expect(pluginFetch({ url: `http://${host}/slow` }, [`net:${host}`], limits)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('refuses undeclared hosts, other schemes and credentials in the URL before connecting', async () => {
    let requests = 0;
    const host = await serve((_request, response) => {
      requests++;
      response.end('no');
    });
    await expect(pluginFetch({ url: `http://${host}/` }, ['net:example.com'], limits)).rejects.toMatchObject({ code: 'permission-denied', message: expect.stringContaining(`it would need net:${host}`) });
    await expect(pluginFetch({ url: 'ftp://example.com/' }, ['net:example.com'], limits)).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(pluginFetch({ url: `http://user:pw@${host}/` }, [`net:${host}`], limits)).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(pluginFetch({ url: 'not a url' }, [`net:${host}`], limits)).rejects.toMatchObject({ code: 'invalid-params' });
    expect(requests).toBe(0);
  });

  it('does not let a declared name resolve to this device', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => publicOnlyLookup('localhost', { all: true }, (failure) => resolve(failure)));
    expect(error).toMatchObject({ code: 'EPERM', message: expect.stringContaining('resolves only to addresses on this device or its network') });
  });
});
