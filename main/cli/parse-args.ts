import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandRequest } from '../control/protocol.js';

export class UsageError extends Error {}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

const FILTERS: OptionSpec = {
  kind: { type: 'string' },
  tag: { type: 'string' },
  collection: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'has-text': { type: 'boolean' },
  trash: { type: 'boolean' },
  oldest: { type: 'boolean' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
};

/** Each command's options and how many positionals it takes ([min, max]). */
export const COMMANDS: Record<string, { options: OptionSpec; positionals: [number, number] }> = {
  import: { options: {}, positionals: [1, Infinity] },
  list: { options: FILTERS, positionals: [0, 0] },
  search: { options: FILTERS, positionals: [1, Infinity] },
  show: { options: {}, positionals: [1, 1] },
  edit: { options: { title: { type: 'string' }, notes: { type: 'string' } }, positionals: [1, 1] },
  tag: { options: { add: { type: 'string', multiple: true }, remove: { type: 'string', multiple: true } }, positionals: [1, 1] },
  delete: { options: {}, positionals: [1, 1] },
  restore: { options: {}, positionals: [1, 1] },
  undo: { options: {}, positionals: [1, 1] },
  purge: { options: {}, positionals: [0, 0] },
  export: { options: { out: { type: 'string' }, format: { type: 'string' }, original: { type: 'boolean' } }, positionals: [1, 1] },
  reindex: { options: {}, positionals: [0, 0] },
  verify: { options: {}, positionals: [0, 0] },
  audit: { options: { verify: { type: 'boolean' }, kind: { type: 'string' }, since: { type: 'string' } }, positionals: [0, 0] },
  serve: { options: { port: { type: 'string' }, host: { type: 'string' }, 'sync-port': { type: 'string' }, 'sync-host': { type: 'string' }, 'sync-public-port': { type: 'string' }, 'no-sync': { type: 'boolean' }, 'no-discovery': { type: 'boolean' }, 'no-analysis': { type: 'boolean' }, 'capture-input': { type: 'string' }, 'session-idle': { type: 'string' }, 'session-max': { type: 'string' }, 'new-certificate': { type: 'boolean' } }, positionals: [0, 0] },
  capture: { options: { delay: { type: 'string' } }, positionals: [1, 1] },
  pair: { options: { peer: { type: 'string' }, person: { type: 'boolean' } }, positionals: [0, 1] },
  person: { options: {}, positionals: [0, 1] },
  share: { options: { role: { type: 'string' } }, positionals: [1, 2] },
  unshare: { options: {}, positionals: [2, 2] },
  shared: { options: { title: { type: 'string' }, notes: { type: 'string' } }, positionals: [0, 3] },
  devices: { options: {}, positionals: [0, 2] },
  unpair: { options: {}, positionals: [1, 1] },
  sync: { options: {}, positionals: [0, 2] },
  keys: { options: {}, positionals: [1, 2] },
  lock: { options: {}, positionals: [0, 0] },
  unlock: { options: { passphrase: { type: 'boolean' } }, positionals: [0, 0] },
  analyze: { options: { all: { type: 'boolean' } }, positionals: [0, Infinity] },
  models: { options: { yes: { type: 'boolean' }, mirror: { type: 'string' } }, positionals: [0, 2] },
  run: { options: {}, positionals: [1, Infinity] },
  plugin: { options: { registry: { type: 'string' }, 'allow-unsigned': { type: 'boolean' }, yes: { type: 'boolean' }, key: { type: 'string' }, name: { type: 'string' } }, positionals: [0, 3] },
  ai: { options: { 'base-url': { type: 'string' }, model: { type: 'string' }, 'embedding-model': { type: 'string' }, 'key-stdin': { type: 'boolean' }, yes: { type: 'boolean' } }, positionals: [0, 2] },
};

export interface ParsedCommandLine {
  library: string | undefined;
  help: boolean;
  request: CommandRequest;
}

export function parseCommandLine(argv: string[], cwd: string): ParsedCommandLine {
  const commandIndex = argv.findIndex((arg, i) => !arg.startsWith('-') && argv[i - 1] !== '--library');
  const command = commandIndex === -1 ? undefined : argv[commandIndex];
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (command === undefined || command === 'help') {
    if (wantsHelp || command === 'help') return { library: undefined, help: true, request: { command: 'help', positionals: [], options: {}, cwd } };
    throw new UsageError('no command given (try clipshot --help)');
  }
  // Own keys only: "constructor" or "__proto__" is not a command, whatever every object inherits.
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec) throw new UsageError(`unknown command "${command}" (try clipshot --help)`);
  const args = [...argv.slice(0, commandIndex), ...argv.slice(commandIndex + 1)];
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...spec.options, library: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const { library, help, ...options } = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const [min, max] = spec.positionals;
  if (!help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(`${command}: expected ${describeCount(min, max)}, got ${parsed.positionals.length}`);
  }
  const definedOptions = Object.fromEntries(Object.entries(options).filter((entry): entry is [string, string | boolean | string[]] => entry[1] !== undefined));
  return {
    library: typeof library === 'string' ? path.resolve(cwd, library) : undefined,
    help: help === true,
    request: { command, positionals: parsed.positionals, options: definedOptions, cwd },
  };
}

function describeCount(min: number, max: number): string {
  if (max === Infinity) return `at least ${min} argument(s)`;
  if (min === max) return `${min} argument(s)`;
  return `${min} to ${max} arguments`;
}
