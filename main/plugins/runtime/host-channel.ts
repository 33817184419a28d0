// The runtime's side of the IPC channel to the host. Imports: Node built-ins and this folder only.
import type { HostToPluginMessage, PluginToHostMessage } from '../../../contract/plugins.js';

export interface HostChannel {
  /** Throws when the message cannot be serialised; `sent` runs once it has left the process. */
  send(message: PluginToHostMessage, sent?: () => void): void;
  onMessage(listener: (message: HostToPluginMessage) => void): void;
}

/**
 * The process's IPC channel, captured before plugin code runs: a plugin that later replaces
 * `process.send` or removes listeners only cuts itself off (the host's heartbeat then stops it).
 */
export function processChannel(): HostChannel {
  const parentPort = (process as { parentPort?: ParentPort }).parentPort;
  if (parentPort) return parentPortChannel(parentPort);
  const send = process.send?.bind(process);
  if (!send) throw new Error('the plugin runtime must be started by the plugin host (no IPC channel)');
  const on = process.on.bind(process);
  return {
    send: (message, sent) => {
      send(message, undefined, {}, sent ? () => sent() : undefined);
    },
    onMessage: (listener) => {
      on('message', (raw: unknown) => {
        if (isHostMessage(raw)) listener(raw);
      });
    },
  };
}

/** Electron's utility process talks through `process.parentPort` instead of `process.send`. */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentPortChannel(port: ParentPort): HostChannel {
  const post = port.postMessage.bind(port);
  const on = port.on.bind(port);
  return {
    send: (message, sent) => {
      post(message);
      if (sent) setImmediate(sent);
    },
    onMessage: (listener) => {
      on('message', (event) => {
        if (isHostMessage(event.data)) listener(event.data);
      });
    },
  };
}

const HOST_MESSAGE_TYPES = new Set(['activate', 'invoke', 'reply', 'deactivate', 'ping']);

/** The host is trusted; this only keeps a stray message from throwing inside the runtime. */
function isHostMessage(raw: unknown): raw is HostToPluginMessage {
  return typeof raw === 'object' && raw !== null && HOST_MESSAGE_TYPES.has((raw as { type?: unknown }).type as string);
}
