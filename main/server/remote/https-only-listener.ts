import net from 'node:net';
import type { Server as HttpsServer } from 'node:https';

/** The first byte of every TLS connection: a handshake record. */
const TLS_HANDSHAKE = 0x16;
const FIRST_BYTE_TIMEOUT_MS = 10_000;

/**
 * A listener that hands TLS connections to `https` and answers anything else (a plain http://
 * address typed by hand) with a refusal naming the https:// address, instead of a broken
 * connection. Nothing of the library is ever sent without TLS.
 */
export function httpsOnlyListener(https: HttpsServer): net.Server {
  const sockets = new Set<net.Socket>();
  const listener = net.createServer({ pauseOnConnect: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      if (chunk[0] !== TLS_HANDSHAKE) return refusePlainHttp(socket, chunk);
      socket.pause();
      socket.unshift(chunk);
      https.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
    socket.resume();
  });
  // Connections handed over are the https server's; this closes those still being sniffed too.
  const close = listener.close.bind(listener);
  listener.close = (callback?: (error?: Error) => void) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return listener;
}

function refusePlainHttp(socket: net.Socket, firstChunk: Buffer): void {
  const host = /\r\nhost: *([A-Za-z0-9.:[\]-]{1,300})\r\n/i.exec(firstChunk.toString('latin1'))?.[1];
  const where = host ? `https://${host}/` : 'the https:// address that `clipshot serve` printed';
  const body = `This ClipShot server speaks only HTTPS. Open ${where}\n`;
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
