import fs from 'node:fs';
import { runThroughControlSocket } from '../control/control-client.js';
import type { CommandOutput } from '../control/protocol.js';
import { defaultLibraryDir, libraryPaths } from '../library/library-paths.js';
import { relaunchWithCoreFlags } from './core-process.js';
import { describeError } from './describe-error.js';
import { parseCommandLine, UsageError } from './parse-args.js';
import { USAGE } from './usage.js';

const MAX_STDIN_BYTES = 16 * 1024 * 1024;
/** Commands about other devices: sync runs only inside a running instance, so they never open the library here. */
const SYNC_COMMANDS = new Set(['pair', 'devices', 'unpair', 'sync', 'person', 'share', 'unshare', 'shared']);

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
  // Models live outside the library: these commands neither open it nor need the core's heap flags.
  if (request.command === 'models') return (await import('./model-commands.js')).runModelCommand(request, terminalOutput);
  const dir = libraryOption ?? process.env.CLIPSHOT_LIBRARY ?? defaultLibraryDir();
  // Plugins too live outside the library: these work on the plugins folder alone (`plugin dev`, the host's, is not one of them).
  // What they change is recorded for the library's audit log, which folds it in at its next open.
  if (request.command === 'plugin' && request.positionals[0] !== 'dev') {
    const audit = await (await import('../security/audit/pending-journal.js')).pendingJournalOfLibrary(dir);
    try {
      return await (await import('./plugin-commands.js')).runPluginCommand(request, terminalOutput, audit);
    } finally {
      await audit?.flush();
    }
  }
  // Help and usage errors are answered without it; anything that may open the library runs
  // with the core's heap flags, before stdin is read so that the relaunched process gets it.
  const script = process.argv[1];
  if (script) await relaunchWithCoreFlags(script);
  // Heavy modules (Automerge, SQLite, sharp) load only when this process opens the library itself.
  if (request.command === 'lock' || request.command === 'unlock') return (await import('./lock-client.js')).runLockClient(dir, request, terminalOutput);
  if (request.command === 'keys') return (await import('./key-commands.js')).runKeyCommand(dir, request, terminalOutput);
  // The plugin host's dev loop holds the library itself (when free) so that `run` reaches it.
  if (request.command === 'plugin' && request.positionals[0] === 'dev') return (await import('./plugin-run-commands.js')).runPluginDevCommand(dir, request, terminalOutput);
  if (request.command === 'serve') return (await import('./serve-command.js')).runServe(dir, request, terminalOutput);
  if (request.command === 'import' && request.positionals.includes('-')) request.stdinText = readStdin();
  // Consent and the API key are asked here, where the terminal is, before the instance acts.
  if (request.command === 'ai') await (await import('./ai-consent-prompt.js')).prepareAiRequest(request);

  if (request.command === 'capture') (await import('./capture-commands.js')).readCaptureRequest(request);

  const paths = libraryPaths(dir);
  const forwarded = await runThroughControlSocket(paths.controlSocket, request, terminalOutput);
  if (forwarded !== null) return forwarded;
  if (request.command === 'capture') {
    terminalOutput.stderr((await import('./capture-commands.js')).captureNeedsTheApp({ platform: process.platform, env: process.env }, 'nothing'));
    return 1;
  }
  if (SYNC_COMMANDS.has(request.command)) {
    throw new Error(`${request.command} works with a running ClipShot: start the app or \`clipshot serve\` for this library first`);
  }
  return (await import('./local-runner.js')).runWithOwnLibrary(dir, request, terminalOutput);
}

function readStdin(): string {
  const bytes = fs.readFileSync(0);
  if (bytes.length > MAX_STDIN_BYTES) throw new UsageError(`stdin holds ${bytes.length} bytes, over the ${MAX_STDIN_BYTES}-byte limit for a text clip`);
  return bytes.toString('utf8');
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
