import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { establishSession, type SecureSession } from '../../../main/sync/connection/secure-session.js';
import { Channel } from '../../../main/sync/connection/wire.js';
import { generateStaticKeyPair } from '../../../main/sync/crypto/noise-xx.js';
import { identityFromKeys } from '../../../main/sync/device-identity.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const hello = (name: string) => ({ v: 1 as const, name, storageId: null, syncPort: null });

/** Two sessions over a real WebSocket on loopback, and the client's TCP stream. */
async function sessionPair(): Promise<{ client: SecureSession; server: SecureSession; clientStream: Socket }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  closers.push(() => wss.close());
  await new Promise((resolve) => wss.once('listening', resolve));
  const serverIdentity = identityFromKeys(generateStaticKeyPair());
  const clientIdentity = identityFromKeys(generateStaticKeyPair());
  const server = new Promise<SecureSession>((resolve, reject) => {
    wss.once('connection', (socket) => establishSession(socket, { role: 'responder', identity: serverIdentity, hello: hello('server'), isTrusted: () => true }).then(resolve, reject));
  });
  const socket = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  closers.push(() => socket.terminate());
  await new Promise((resolve) => socket.once('open', resolve));
  const client = await establishSession(socket, { role: 'initiator', identity: clientIdentity, hello: hello('client'), isTrusted: () => true });
  return { client, server: await server, clientStream: (socket as unknown as { _socket: Socket })._socket };
}

/** Counts the writes a stream hands to the operating system (each one a system call). */
function countWrites(stream: Socket): () => number {
  let writes = 0;
  const writable = stream as unknown as { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
  const [write, writev] = [writable._write.bind(stream), writable._writev.bind(stream)];
  writable._write = (...args) => {
    writes += 1;
    write(...args);
  };
  writable._writev = (...args) => {
    writes += 1;
    writev(...args);
  };
  return () => writes;
}

describe('an encrypted session', () => {
  it('sends the messages of one turn of the event loop in one write, each still its own frame, in order', async () => {
    const { client, server, clientStream } = await sessionPair();
    const received: string[] = [];
    server.onMessage((channel, body) => received.push(`${channel}:${new TextDecoder().decode(body)}`));
    const writes = countWrites(clientStream);
    const sent = Array.from({ length: 200 }, (_, index) => `message ${index}`);
    for (const text of sent) client.send(Channel.repo, new TextEncoder().encode(text));
    await expect.poll(() => received.length).toBe(sent.length);
    expect(received).toEqual(sent.map((text) => `${Channel.repo}:${text}`));
    expect(writes()).toBe(1);
  });

  it('sends what later turns send in later writes, and its close after what it sent', async () => {
    const { client, server, clientStream } = await sessionPair();
    const received: string[] = [];
    server.onMessage((_channel, body) => received.push(new TextDecoder().decode(body)));
    const closed = new Promise<string>((resolve) => server.onClose(resolve));
    const writes = countWrites(clientStream);
    client.send(Channel.control, new TextEncoder().encode('first'));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    client.send(Channel.control, new TextEncoder().encode('second'));
    client.send(Channel.control, new TextEncoder().encode('third'));
    client.close(1000, 'done');
    expect(await closed).toMatch(/1000/);
    expect(received).toEqual(['first', 'second', 'third']);
    expect(writes()).toBeGreaterThanOrEqual(2);
  });
});
