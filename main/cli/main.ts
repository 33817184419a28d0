import fs from 'node:fs';
import { runThroughControlSocket } from '../control/control-client.js';
import { startControlServer } from '../control/control-server.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { LibraryError } from '../library/errors.js';
import { Library } from '../library/library.js';
import { defaultLibraryDir, libraryPaths } from '../library/library-paths.js';
import { runKeyCommand } from './key-commands.js';
import { LIBRARY_COMMANDS } from './library-commands.js';
import { parseCommandLine, UsageError } from './parse-args.js';
import { createLibraryForCli, openLibraryForCli } from './unlock.js';
import { USAGE } from './usage.js';

const MAX_STDIN_BYTES = 16 * 1024 * 1024;

const terminalOutput: CommandOutput = {
  interactive: process.stderr.isTTY === true,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function main(argv: string[]): Promise<number> {
  const { library: libraryOption, help, request } = parseCommandLine(argv, process.cwd());
  if (help || request.command === 'help') {
    terminalOutput.stdout(USAGE);
    return 0;
  }
  const dir = libraryOption ?? process.env.CLIPSHOT_LIBRARY ?? defaultLibraryDir();
  if (request.command === 'keys') return runKeyCommand(dir, request, terminalOutput);
  if (request.command === 'serve') return serve(dir);
  if (request.command === 'import' && request.positionals.includes('-')) request.stdinText = readStdin();

  const paths = libraryPaths(dir);
  const forwarded = await runThroughControlSocket(paths.controlSocket, request, terminalOutput);
  if (forwarded !== null) return forwarded;
  return runWithOwnLibrary(dir, request);
}

/** Opens the library in this process, and serves other CLI calls on the control socket meanwhile. */
async function runWithOwnLibrary(dir: string, request: CommandRequest): Promise<number> {
  const library = await openOrCreate(dir, request.command === 'import');
  const aborter = new AbortController();
  const stop = () => aborter.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let server;
  try {
    server = await startControlServer(library.paths.controlSocket, (remote, output) => runLibraryCommand(library, remote, output));
    return await runLibraryCommand(library, request, terminalOutput);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await server?.close();
    await library.close();
  }
}

async function serve(dir: string): Promise<number> {
  const library = await openOrCreate(dir, true);
  const server = await startControlServer(library.paths.controlSocket, (request, output) => runLibraryCommand(library, request, output));
  terminalOutput.stdout(`ClipShot is serving the library at ${library.paths.dir}\ncontrol socket: ${server.socketPath}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await library.close();
  terminalOutput.stdout('stopped\n');
  return 0;
}

function runLibraryCommand(library: Library, request: CommandRequest, output: CommandOutput): Promise<number> {
  const handler = LIBRARY_COMMANDS[request.command];
  if (!handler) {
    output.stderr(`clipshot: the running instance cannot run "${request.command}"\n`);
    return Promise.resolve(2);
  }
  return handler(library, request, output).catch((error: unknown) => {
    output.stderr(`clipshot: ${describeError(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  });
}

async function openOrCreate(dir: string, createIfMissing: boolean): Promise<Library> {
  if (await Library.exists(dir)) return openLibraryForCli(dir);
  if (!createIfMissing) throw new LibraryError(`no library at ${libraryPaths(dir).dir} (import something to create one)`, 'not-found');
  return createLibraryForCli(dir, (text) => terminalOutput.stderr(text));
}

function readStdin(): string {
  const bytes = fs.readFileSync(0);
  if (bytes.length > MAX_STDIN_BYTES) throw new UsageError(`stdin holds ${bytes.length} bytes, over the ${MAX_STDIN_BYTES}-byte limit for a text clip`);
  return bytes.toString('utf8');
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`clipshot: ${describeError(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
