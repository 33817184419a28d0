import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { startControlServer, type ControlServer } from '../control/control-server.js';
import { LibraryInUseError } from '../library/errors.js';
import { Library } from '../library/library.js';
import { ForkPluginLauncher } from '../plugins/host/fork-plugin-launcher.js';
import { runnablePlugins } from '../plugins/host/installed-plugins.js';
import { libraryAccessOver } from '../plugins/host/library-access-over-library.js';
import { PluginDevSession } from '../plugins/host/plugin-dev-session.js';
import { PluginHost, type PluginDescriptor } from '../plugins/host/plugin-host.js';
import { PluginStore } from '../plugins/store/plugin-store.js';
import { defaultPluginsDir } from '../plugins/store/plugins-dir.js';
import { describeError } from './describe-error.js';
import { runLibraryCommand } from './local-runner.js';
import { UsageError } from './parse-args.js';
import { openLibraryForCli } from './unlock.js';
import { rateLimitsOf } from '../security/rate-limit/rate-limit-policy.js';

export interface PluginRunOptions {
  /** The running instance's host (serve, the app, `plugin dev`); without one, a host lives for this command only. */
  host?: PluginHost | null;
  /** The installed plugins, dependencies first (the store's list, in the order the resolver plans). */
  loadPlugins?: () => Promise<PluginDescriptor[]>;
}

/** `clipshot run COMMAND_ID [ARGS] [--json]`: runs a plugin's command against the open library and prints its result. */
export async function runPluginCommand(library: Library, request: CommandRequest, output: CommandOutput, options: PluginRunOptions = {}): Promise<number> {
  const [commandId, ...rest] = request.positionals;
  if (!commandId) throw new UsageError('run: name a plugin command (clipshot run COMMAND_ID [ARGS])');
  const args = parseRunArgs(rest);
  const own = options.host ? null : await temporaryHost(library, options.loadPlugins, output);
  const host = options.host ?? own!;
  try {
    const result = await host.invoke('commands', commandId, args);
    output.stdout(`${formatResult(result, request.options.json === true)}\n`);
    return 0;
  } finally {
    await own?.close();
  }
}

async function temporaryHost(library: Library, loadPlugins: PluginRunOptions['loadPlugins'], output: CommandOutput): Promise<PluginHost> {
  const plugins = await (loadPlugins ?? (() => installedPlugins(output)))();
  return new PluginHost({ launcher: new ForkPluginLauncher(), services: { library: libraryAccessOver(library) }, plugins, rateLimits: rateLimitsOf(library) });
}

/** The installed plugins that can run; those that cannot are named with why. */
async function installedPlugins(output: CommandOutput): Promise<PluginDescriptor[]> {
  const { plugins, blocked } = await runnablePlugins(new PluginStore({ dir: defaultPluginsDir() }));
  for (const { id, problem } of blocked) output.stderr(`clipshot: plugin ${id} is left out: ${problem}\n`);
  return plugins;
}

/**
 * The command's argument: one JSON value (`'{"n":3}'`, `'"text"'`), or `key=value` pairs made into
 * an object (each value read as JSON when it is, else as a string); `{}` when none is given.
 */
export function parseRunArgs(positionals: readonly string[]): unknown {
  if (positionals.length === 0) return {};
  if (positionals.length === 1 && !/^[^=\s{["]+=/.test(positionals[0]!)) {
    try {
      return JSON.parse(positionals[0]!);
    } catch {
      throw new UsageError(`run: ${JSON.stringify(positionals[0]!.slice(0, 80))} is neither JSON nor key=value`);
    }
  }
  const args: Record<string, unknown> = {};
  for (const pair of positionals) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`run: ${JSON.stringify(pair.slice(0, 80))} is not key=value (give one JSON value, or key=value pairs)`);
    const key = pair.slice(0, at);
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new UsageError(`run: ${key} cannot be an argument name`);
    args[key] = readValue(pair.slice(at + 1));
  }
  return args;
}

function readValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function formatResult(result: unknown, json: boolean): string {
  if (json) return JSON.stringify(result ?? null);
  if (typeof result === 'string') return result;
  return JSON.stringify(result ?? null, null, 2);
}

export interface PluginDevOptions {
  /** Resolves when the session should end (default: SIGINT or SIGTERM). */
  until?: Promise<void>;
}

/**
 * `clipshot plugin dev DIR`: runs the plugin in DIR and reloads it on every change, keeping the
 * state it hands over. It holds the library open (when no other instance has it) so that
 * `clipshot run` from another terminal reaches this host through the control socket.
 */
export async function runPluginDevCommand(libraryDir: string, request: CommandRequest, output: CommandOutput, options: PluginDevOptions = {}): Promise<number> {
  const [, folder, extra] = request.positionals;
  if (!folder || extra !== undefined) throw new UsageError('plugin dev: name the plugin\'s folder (clipshot plugin dev DIR)');
  const dir = path.resolve(request.cwd, folder);
  const json = request.options.json === true;
  const library = await openIfFree(libraryDir, output);
  const installed = await installedPlugins(output);
  const host = new PluginHost({ launcher: new ForkPluginLauncher(), services: { library: library ? libraryAccessOver(library) : null }, plugins: installed, ...(library && { rateLimits: rateLimitsOf(library) }) });
  let control: ControlServer | null = null;
  let session: PluginDevSession | null = null;
  host.onLog((entry) => {
    if (json) output.stdout(`${JSON.stringify({ type: 'log', ...entry })}\n`);
    else output.stderr(`[${entry.pluginId} ${entry.level}] ${entry.message}\n`);
  });
  host.onStatus((view) => {
    if (json) output.stdout(`${JSON.stringify({ type: 'status', ...view })}\n`);
  });
  try {
    if (library) control = await startControlServer(library.paths.controlSocket, (remote, remoteOutput, signal) => runLibraryCommand(library, remote, remoteOutput, signal, { plugins: host }), { limits: () => rateLimitsOf(library) });
    session = await PluginDevSession.start({
      dir,
      host,
      // Outside the watched folder (a storage write must not trigger a reload), and the same for each session on it.
      dataDir: path.join(os.tmpdir(), 'clipshot-plugin-dev', createHash('sha256').update(dir).digest('hex').slice(0, 16)),
      onLoad: (outcome) => {
        if (json) output.stdout(`${JSON.stringify({ type: 'load', ...(outcome.ok ? { ok: true, id: outcome.manifest.id, version: outcome.manifest.version, loads: outcome.loads } : outcome) })}\n`);
        else if (outcome.ok) output.stdout(`loaded ${outcome.manifest.id} ${outcome.manifest.version} (${outcome.loads === 1 ? 'watching for changes' : `reload ${outcome.loads - 1}`})\n`);
        else output.stderr(`clipshot: ${outcome.error}\n`);
      },
    });
    if (!json) output.stdout(library ? `run its commands from another terminal: clipshot run COMMAND_ID [ARGS]\n` : 'no library is open here, so library calls fail\n');
    await (options.until ?? untilSignal());
    return 0;
  } finally {
    session?.close();
    await control?.close();
    await host.close();
    await library?.close();
  }
}

/** The library when this process can hold it; none when it does not exist or another instance has it. */
async function openIfFree(dir: string, output: CommandOutput): Promise<Library | null> {
  if (!(await Library.exists(dir))) return null;
  try {
    return await openLibraryForCli(dir);
  } catch (error) {
    if (!(error instanceof LibraryInUseError)) throw error;
    output.stderr(`clipshot: ${describeError(error)}; the plugin runs without the library (stop the other instance to use it)\n`);
    return null;
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
