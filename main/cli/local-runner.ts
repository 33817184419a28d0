import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { startControlServer } from '../control/control-server.js';
import { LibraryNotFoundError } from '../library/errors.js';
import { Library } from '../library/library.js';
import { libraryPaths } from '../library/library-paths.js';
import { AI_COMMANDS } from './ai-commands.js';
import { LIBRARY_COMMANDS } from './library-commands.js';
import { SYNC_COMMANDS } from './sync-commands.js';
import type { SyncService } from '../sync/sync-service.js';
import type { AnalysisService } from '../ai/analysis/analysis-service.js';
import type { PluginHost } from '../plugins/host/plugin-host.js';
import type { CaptureStarter } from './capture-commands.js';
import { runAnalyzeCommand } from './analysis-commands.js';
import { runAuditCommand } from './audit-commands.js';
import { describeError } from './describe-error.js';
import { UsageError } from './parse-args.js';
import { createLibraryForCli, openLibraryForCli } from './unlock.js';
import { rateLimitsOf } from '../security/rate-limit/rate-limit-policy.js';

/** Opens the library in this process, and serves other CLI calls on the control socket meanwhile. */
export async function runWithOwnLibrary(dir: string, request: CommandRequest, terminalOutput: CommandOutput): Promise<number> {
  const library = await openOrCreate(dir, request.command === 'import', terminalOutput);
  const aborter = new AbortController();
  const stop = () => aborter.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let server;
  let analysis: AnalysisService | null = null;
  try {
    // Analysis runs here only for `analyze`; otherwise new clips wait for the app or `serve`.
    if (request.command === 'analyze') analysis = await (await import('../ai/analysis/start-analysis.js')).startAnalysis(library);
    const services = { analysis };
    server = await startControlServer(library.paths.controlSocket, (remote, output) => runLibraryCommand(library, remote, output, undefined, services), { limits: () => rateLimitsOf(library) });
    return await runLibraryCommand(library, request, terminalOutput, aborter.signal, services);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await server?.close();
    await analysis?.close();
    await library.close();
  }
}

/** What a running instance has started besides the library; absent ones make their commands say so. */
export interface RunningServices {
  sync?: SyncService | null;
  analysis?: AnalysisService | null;
  /** The instance's plugin host; without it `run` starts the installed plugins for the one command. */
  plugins?: PluginHost | null;
  /** The desktop app's screen capture; without it `capture` says it needs the app. */
  capture?: CaptureStarter | null;
}

export function runLibraryCommand(library: Library, request: CommandRequest, output: CommandOutput, signal?: AbortSignal, services: RunningServices = {}): Promise<number> {
  const { sync, analysis } = services;
  if (request.command === 'analyze') {
    if (!analysis) {
      output.stderr('clipshot: analyze needs analysis, which could not start in the running instance (see its log)\n');
      return Promise.resolve(1);
    }
    return runAnalyzeCommand(library, analysis, request, output, signal).catch((error: unknown) => {
      output.stderr(`clipshot: ${describeError(error)}\n`);
      return error instanceof UsageError ? 2 : 1;
    });
  }
  if (request.command === 'capture') {
    return import('./capture-commands.js')
      .then(({ runCaptureCommand }) => runCaptureCommand(request, output, services.capture ?? null, { platform: process.platform, env: process.env }, signal))
      .catch((error: unknown) => {
        output.stderr(`clipshot: ${describeError(error)}\n`);
        return error instanceof UsageError ? 2 : 1;
      });
  }
  if (request.command === 'run') {
    return import('./plugin-run-commands.js')
      .then(({ runPluginCommand }) => runPluginCommand(library, request, output, { host: services.plugins ?? null }))
      .catch((error: unknown) => {
        output.stderr(`clipshot: ${describeError(error)}\n`);
        return error instanceof UsageError ? 2 : 1;
      });
  }
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
  if (request.command === 'audit') {
    return runAuditCommand(library, request, output).catch((error: unknown) => {
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

