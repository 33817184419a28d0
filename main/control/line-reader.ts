import type { Socket } from 'node:net';

/** Splits a socket's bytes into newline-terminated JSON messages, refusing any longer than maxBytes. */
export function onJsonLines(socket: Socket, maxBytes: number, onMessage: (message: unknown) => void, onError: (reason: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > maxBytes && !buffered.includes('\n')) {
      onError(`message over ${maxBytes} bytes`);
      buffered = '';
      return;
    }
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() === '') continue;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        onError('message is not JSON');
        continue;
      }
      onMessage(message);
    }
  });
}

export function writeJsonLine(socket: Socket, message: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}
