import { format } from 'node:util';
import type { HostChannel } from './host-channel.js';

/** Longest log message sent; the host caps it again. */
const MAX_LOG_CHARS = 4_000;

type Level = 'info' | 'warn' | 'error';

const CONSOLE_LEVELS: Record<string, Level> = { log: 'info', info: 'info', debug: 'info', trace: 'info', warn: 'warn', error: 'error' };

/** Sends console output as 'log' messages, so it reaches the plugin's log in the host (stdout is not watched). */
export function forwardConsole(channel: HostChannel): (level: Level, message: string) => void {
  const log = (level: Level, message: string): void => {
    channel.send({ type: 'log', level, message: message.length > MAX_LOG_CHARS ? `${message.slice(0, MAX_LOG_CHARS)}…` : message });
  };
  const target = console as unknown as Record<string, unknown>;
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    target[method] = (...args: unknown[]) => log(level, format(...args));
  }
  return log;
}
