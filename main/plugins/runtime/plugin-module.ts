import type { PluginModule } from '../../../contract/plugins.js';

const HANDLER_GROUPS = ['commands', 'exporters', 'importers', 'analyzers'] as const;
export type InvocableKind = (typeof HANDLER_GROUPS)[number];

export function isInvocableKind(kind: string): kind is InvocableKind {
  return (HANDLER_GROUPS as readonly string[]).includes(kind);
}

/** Checks an entry module's default export, naming the first thing wrong with it. */
export function checkPluginModule(value: unknown): PluginModule {
  if (typeof value !== 'object' || value === null) throw new Error('the entry module has no default export (export default definePlugin({...}))');
  const candidate = value as Record<string, unknown>;
  for (const hook of ['activate', 'deactivate'] as const) {
    if (candidate[hook] !== undefined && typeof candidate[hook] !== 'function') throw new Error(`the default export's ${hook} is not a function`);
  }
  for (const group of HANDLER_GROUPS) {
    const handlers = candidate[group];
    if (handlers === undefined) continue;
    if (typeof handlers !== 'object' || handlers === null) throw new Error(`the default export's ${group} is not an object of functions`);
    for (const [id, handler] of Object.entries(handlers)) {
      if (typeof handler !== 'function') throw new Error(`the default export's ${group}["${id}"] is not a function`);
    }
  }
  return candidate as PluginModule;
}

type Handler = (input: unknown, host: unknown) => unknown;

/** The handler for a contribution, or null when the module has none by that id. */
export function findHandler(module: PluginModule, kind: InvocableKind, contributionId: string): Handler | null {
  const handlers = module[kind] as Record<string, Handler> | undefined;
  if (!handlers || !Object.hasOwn(handlers, contributionId)) return null;
  return handlers[contributionId] ?? null;
}
