// The entry of a plugin process: started by the plugin host with the plugin's folder as its only
// argument, under Node's permission model (see main/plugins/host/launch-flags.ts). It loads the
// plugin's entry module and carries messages between it and the host. Imports: Node built-ins
// and this folder only, since the process may read nothing else.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostToPluginMessage, PluginErrorShape, PluginManifest, PluginModule } from '../../../contract/plugins.js';
import { forwardConsole } from './console-forward.js';
import { HostApiClient, HostCallError } from './host-api-client.js';
import { processChannel, type HostChannel } from './host-channel.js';
import { lockDown } from './lockdown.js';
import { checkPluginModule, findHandler, isInvocableKind } from './plugin-module.js';

const channel: HostChannel = processChannel();
const log = forwardConsole(channel);
lockDown();

const pluginDir = path.resolve(process.argv[2] ?? '.');
let plugin: PluginModule | null = null;
let client: HostApiClient | null = null;

process.on('uncaughtException', (error) => fail(`uncaught error: ${describe(error)}`, 71));
process.on('unhandledRejection', (reason) => fail(`unhandled promise rejection: ${describe(reason)}`, 71));

channel.onMessage((message) => {
  void handle(message);
});
channel.send({ type: 'ready' });

async function handle(message: HostToPluginMessage): Promise<void> {
  switch (message.type) {
    case 'ping':
      channel.send({ type: 'pong', id: message.id });
      return;
    case 'activate':
      return activate(message.manifest, message.state);
    case 'reply':
      client?.settle(message.id, message.ok, message.ok ? message.value : message.error);
      return;
    case 'invoke':
      return invoke(message.id, message.contribution, message.contributionId, message.args);
    case 'deactivate':
      return deactivate();
  }
}

async function activate(manifest: PluginManifest, state: unknown): Promise<void> {
  if (plugin) return;
  try {
    if (!manifest.main) throw new Error('the manifest names no entry module (main)');
    const entry = path.resolve(pluginDir, manifest.main);
    if (path.relative(pluginDir, entry).startsWith('..')) throw new Error(`the entry module ${manifest.main} is outside the plugin's folder`);
    const loaded = checkPluginModule(((await import(pathToFileURL(entry).href)) as { default?: unknown }).default);
    client = new HostApiClient(channel, log);
    await loaded.activate?.(client.api, state);
    plugin = loaded;
    channel.send({ type: 'activated' });
  } catch (error) {
    fail(describe(error), 70, true);
  }
}

async function invoke(id: number, kind: string, contributionId: string, args: unknown): Promise<void> {
  const handler = plugin && client && isInvocableKind(kind) ? findHandler(plugin, kind, contributionId) : null;
  if (!handler) {
    reply(id, { code: 'not-found', message: `the plugin has no ${kind} handler "${contributionId}"` });
    return;
  }
  let value: unknown;
  try {
    value = await handler(args, client!.api);
  } catch (error) {
    reply(id, { code: error instanceof HostCallError ? error.code : 'plugin-failed', message: describe(error) });
    return;
  }
  try {
    channel.send({ type: 'result', id, ok: true, value });
  } catch (error) {
    reply(id, { code: 'plugin-failed', message: `the result cannot be sent to ClipShot: ${describe(error)}` });
  }
}

async function deactivate(): Promise<void> {
  let state: unknown;
  try {
    state = await plugin?.deactivate?.();
  } catch (error) {
    log('error', `deactivate threw: ${describe(error)}`);
  }
  try {
    channel.send({ type: 'state', state });
  } catch (error) {
    log('warn', `the state from deactivate cannot be handed over: ${describe(error)}`);
    channel.send({ type: 'state', state: undefined });
  }
}

function reply(id: number, error: PluginErrorShape): void {
  channel.send({ type: 'result', id, ok: false, error });
}

/** Reports why the plugin cannot go on, then ends the process once the message is out. */
function fail(message: string, exitCode: number, duringActivation = false): void {
  const exit = () => process.exit(exitCode);
  try {
    channel.send(duringActivation ? { type: 'activation-failed', message } : { type: 'log', level: 'error', message }, exit);
  } catch {
    exit();
  }
  // Should the channel be gone, the host notices the exit alone.
  setTimeout(exit, 1_000).unref();
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
