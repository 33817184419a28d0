import path from 'node:path';
import { createApiService } from '../api/api-service.js';
import { UploadStore } from '../api/upload-store.js';
import { startControlServer } from '../control/control-server.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { builtRendererDir } from '../server/package-root.js';
import { isLoopbackHost } from '../server/hosts.js';
import { startServeServer } from '../server/serve-server.js';
import { openOrCreate, runLibraryCommand } from './local-runner.js';
import { UsageError } from './parse-args.js';

const DEFAULT_HOST = '127.0.0.1';

/** `clipshot serve`: the library, the app for a browser, and the control socket, until SIGINT/SIGTERM. */
export async function runServe(dir: string, request: CommandRequest, output: CommandOutput): Promise<number> {
  const port = parsePort(request.options.port);
  const host = typeof request.options.host === 'string' ? request.options.host : DEFAULT_HOST;
  if (host.trim() === '') throw new UsageError('serve: --host needs a host name or address');

  const library = await openOrCreate(dir, true, output);
  const uploads = new UploadStore(path.join(library.paths.dir, 'uploads'));
  await uploads.clear();
  const service = createApiService(library, { uploads });
  let control;
  let server;
  try {
    control = await startControlServer(library.paths.controlSocket, (command, commandOutput) => runLibraryCommand(library, command, commandOutput));
    server = await startServeServer(library, service, uploads, { host, port, rendererDir: builtRendererDir(), ...serveTokenFromEnvironment() });
    if (!isLoopbackHost(host)) output.stderr(`clipshot: listening on ${host}, not only this device: anyone who can reach it and has the URL's token can use the library\n`);
    output.stdout(`ClipShot is serving the library at ${library.paths.dir}\ncontrol socket: ${control.socketPath}\nOpen ${server.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await server?.close();
    await service.close();
    await control?.close();
    await uploads.clear();
    await library.close();
  }
  output.stdout('stopped\n');
  return 0;
}

/**
 * A home server may keep its address across restarts: CLIPSHOT_SERVE_TOKEN fixes the session
 * token (an environment variable, so it does not show in the process list).
 */
function serveTokenFromEnvironment(): { token?: string } {
  const token = process.env.CLIPSHOT_SERVE_TOKEN;
  if (token === undefined || token === '') return {};
  if (!/^[A-Za-z0-9_-]{32,}$/.test(token)) throw new UsageError('serve: CLIPSHOT_SERVE_TOKEN must be at least 32 characters of A-Z, a-z, 0-9, "-" and "_"');
  return { token };
}

function parsePort(raw: string | boolean | string[] | undefined): number {
  if (raw === undefined) return 0;
  const port = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`serve: --port must be a number from 0 to 65535, not ${JSON.stringify(raw)}`);
  return port;
}
