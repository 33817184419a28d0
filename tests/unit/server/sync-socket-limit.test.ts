// The /sync socket gate on real sockets (a ws server on loopback, a ws client): listeners hear only
// what the budget lets through, and nothing from the cut on, even what arrived in the same read.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { RateLimitPolicy } from '../../../main/security/rate-limit/rate-limit-policy.js';
import { GatedWebSocket, limitSyncSocket, SYNC_SOCKET_RATE_LIMITED } from '../../../main/server/sync-socket-limit.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

interface Served {
  heard: number[];
  client: WebSocket;
  closed: Promise<{ code: number; reason: string }>;
}

async function serve(limits: RateLimitPolicy): Promise<Served> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, WebSocket: GatedWebSocket });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  const heard: number[] = [];
  server.on('connection', (socket) => {
    limitSyncSocket(socket, limits);
    // Registered after the limit, as automerge-repo's adapter is: the gate holds regardless of order.
    socket.on('message', (data: Buffer) => heard.push(data.byteLength));
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { heard, client, closed };
}

describe('limitSyncSocket', () => {
  it('lets the burst through, closes at the first message over it, and drops that one and everything after', async () => {
    const limits = new RateLimitPolicy({ file: null, audit: null });
    await limits.change({ limits: { 'serve-sync-messages': { burst: 10, rate: 1 } } });
    const { heard, client, closed } = await serve(limits);
    // Sent at once: most arrive in the same read as the one that trips the limit.
    for (let i = 0; i < 100; i++) client.send(new Uint8Array(16));
    expect(await closed).toEqual({ code: SYNC_SOCKET_RATE_LIMITED, reason: 'over its sync budget: too many messages' });
    expect(heard).toHaveLength(10);
  });

  it('counts bytes: one large message on a full budget passes, the next over it closes the socket', async () => {
    const limits = new RateLimitPolicy({ file: null, audit: null });
    await limits.change({ limits: { 'serve-sync-bytes': { burst: 1, rate: 1 } } });
    const { heard, client, closed } = await serve(limits);
    client.send(new Uint8Array(1024 * 1024));
    client.send(new Uint8Array(512 * 1024));
    expect(await closed).toEqual({ code: SYNC_SOCKET_RATE_LIMITED, reason: 'over its sync budget: too much data' });
    expect(heard).toEqual([1024 * 1024]);
  });

  it('gives every socket its own budget', async () => {
    const limits = new RateLimitPolicy({ file: null, audit: null });
    await limits.change({ limits: { 'serve-sync-messages': { burst: 5, rate: 1 } } });
    const first = await serve(limits);
    const second = await serve(limits);
    for (let i = 0; i < 5; i++) first.client.send('a');
    for (let i = 0; i < 5; i++) second.client.send('b');
    await expect.poll(() => [first.heard.length, second.heard.length]).toEqual([5, 5]);
    expect([first.client.readyState, second.client.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);
    first.client.close();
    second.client.close();
  });
});
