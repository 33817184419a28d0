import { z } from 'zod';
import { PLUGIN_API_PERMISSIONS, PLUGIN_ERROR_CODES, type PluginToHostMessage } from '../../../contract/plugins.js';

const MAX_MESSAGE_CHARS = 4_000;
const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const errorShape = z.object({ code: z.enum(PLUGIN_ERROR_CODES), message: z.string().max(MAX_MESSAGE_CHARS * 4) });

/**
 * Every message a plugin process may send. The method of a call is checked here against the
 * known methods; its params are checked per method when it is served (api-params.ts).
 */
const pluginMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('activated') }),
  z.object({ type: z.literal('activation-failed'), message: z.string() }),
  z.object({ type: z.literal('pong'), id }),
  z.object({ type: z.literal('call'), id, method: z.enum(Object.keys(PLUGIN_API_PERMISSIONS) as [keyof typeof PLUGIN_API_PERMISSIONS]), params: z.unknown() }),
  z.discriminatedUnion('ok', [z.object({ type: z.literal('result'), id, ok: z.literal(true), value: z.unknown() }), z.object({ type: z.literal('result'), id, ok: z.literal(false), error: errorShape })]),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({ type: z.literal('state'), state: z.unknown() }),
]);

export type ParsedPluginMessage = { ok: true; message: PluginToHostMessage } | { ok: false; reason: string };

/** Checks one message from a plugin; a malformed one is described (briefly) for the plugin's log. */
export function parsePluginMessage(raw: unknown): ParsedPluginMessage {
  const parsed = pluginMessageSchema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data as PluginToHostMessage };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'message';
  return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
}

/** Long texts from a plugin (logs, failure reasons) are cut to this. */
export function capText(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}
