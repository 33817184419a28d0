import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, PAIR_PATH, SYNC_PATH } from './wire.js';

/** Connections still in their handshake (or pairing) at once; more are refused until one ends. */
const MAX_UNAUTHENTICATED = 32;

export interface ListenerHandlers {
  /** A new connection on the sync path; `address` is the remote HOST (no port). */
  sync(socket: WebSocket, address: string): void;
  pair(socket: WebSocket, address: string): void;
}

/**
 * The port other devices connect to: WebSockets on two paths, nothing else (any other request
 * gets 404, and no page is served). Authentication happens inside each connection.
 */
export class SyncListener {
  #unauthenticated = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly sockets: WebSocketServer,
  ) {}

  static async start(host: string, port: number, handlers: ListenerHandlers): Promise<SyncListener> {
    const server = http.createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
    const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    const listener = new SyncListener(server, sockets);
    server.on('upgrade', (request, socket, head) => {
      const path = (request.url ?? '').split('?')[0];
      if ((path !== SYNC_PATH && path !== PAIR_PATH) || listener.#unauthenticated >= MAX_UNAUTHENTICATED) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      socket.on('error', () => undefined);
      sockets.handleUpgrade(request, socket, head, (ws) => {
        const address = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
        if (path === SYNC_PATH) handlers.sync(ws, address);
        else handlers.pair(ws, address);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return listener;
  }

  /** Counts a connection as unauthenticated until `done` is called. */
  track(): () => void {
    this.#unauthenticated += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#unauthenticated -= 1;
    };
  }

  get address(): { host: string; port: number } {
    const info = this.server.address() as AddressInfo;
    return { host: info.address, port: info.port };
  }

  async close(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate();
    this.sockets.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
