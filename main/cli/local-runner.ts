import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { startControlServer } from '../control/control-server.js';
import { LibraryNotFoundError } from '../library/errors.js';
import { Library } from '../library/library.js';
import { libraryPaths } from '../library/library-paths.js';
import { AI_COMMANDS } from './ai-commands.js';
import { LIBRARY_COMMANDS } from './library-commands.js';
import { SYNC_COMMANDS } from './sync-commands.js';
import type { SyncService } from '../sync/sync-service.js';
import { describeError } from './describe-error.js';
import { UsageError } from './parse-args.js';
import { createLibraryForCli, openLibraryForCli } from './unlock.js';

/** Opens the library in this process, and serves other CLI calls on the control socket meanwhile. */
export async function runWithOwnLibrary(dir: string, request: CommandRequest, terminalOutput: CommandOutput): Promise<number> {
  const library = await openOrCreate(dir, request.command === 'import', terminalOutput);
  const aborter = new AbortController();
  const stop = () => aborter.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let server;
  try {
    server = await startControlServer(library.paths.controlSocket, (remote, output) => runLibraryCommand(library, remote, output));
    return await runLibraryCommand(library, request, terminalOutput, aborter.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await server?.close();
    await library.close();
  }
}

export function runLibraryCommand(library: Library, request: CommandRequest, output: CommandOutput, signal?: AbortSignal, sync?: SyncService | null): Promise<number> {
  const syncHandler = SYNC_COMMANDS[request.command];
  if (syncHandler) {
    if (!sync) {
      output.stderr(`clipshot: ${request.command} needs sync, which is off in the running instance (it was started with --no-sync, or could not start)\n`);
      return Promise.resolve(1);
    }
    return syncHandler(sync, request, output, signal).catch((error: unknown) => {
      output.stderr(`clipshot: ${describeError(error)}\n`);
      return error instanceof UsageError ? 2 : 1;
    });
  }
  const handler = LIBRARY_COMMANDS[request.command] ?? AI_COMMANDS[request.command];
  if (!handler) {
    output.stderr(`clipshot: the running instance cannot run "${request.command}"\n`);
    return Promise.resolve(2);
  }
  return handler(library, request, output, signal).catch((error: unknown) => {
    output.stderr(`clipshot: ${describeError(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  });
}

export async function openOrCreate(dir: string, createIfMissing: boolean, terminalOutput: CommandOutput): Promise<Library> {
  if (await Library.exists(dir)) return openLibraryForCli(dir);
  if (!createIfMissing) throw new LibraryNotFoundError(libraryPaths(dir).dir);
  return createLibraryForCli(dir, (text) => terminalOutput.stderr(text));
}

