import net from 'node:net';
import { onJsonLines, writeJsonLine } from './line-reader.js';
import { MAX_MESSAGE_BYTES, type CommandOutput, type CommandRequest } from './protocol.js';

/**
 * Runs a command in the instance that has the library open. Resolves to its exit code, or to
 * null when no instance answers (then the caller opens the library itself).
 */
export function runThroughControlSocket(socketPath: string, request: CommandRequest, output: CommandOutput): Promise<number | null> {
  return new Promise((resolve) => {
    let connected = false;
    let exitCode: number | null = null;
    const socket = net.connect(socketPath, () => {
      connected = true;
      writeJsonLine(socket, { type: 'run', request });
    });
    onJsonLines(
      socket,
      MAX_MESSAGE_BYTES,
      (message) => {
        const reply = message as { type?: string; text?: unknown; code?: unknown };
        if (reply.type === 'stdout' && typeof reply.text === 'string') output.stdout(reply.text);
        else if (reply.type === 'stderr' && typeof reply.text === 'string') output.stderr(reply.text);
        else if (reply.type === 'exit' && typeof reply.code === 'number') exitCode = reply.code;
      },
      (reason) => output.stderr(`clipshot: bad reply from the running instance: ${reason}\n`),
    );
    socket.on('error', () => {
      if (!connected) resolve(null);
    });
    socket.on('close', () => {
      if (!connected) return;
      if (exitCode === null) output.stderr('clipshot: the running instance closed the connection before the command finished\n');
      resolve(exitCode ?? 1);
    });
  });
}
