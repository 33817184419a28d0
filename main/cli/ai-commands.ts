import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { openLibraryProviderRegistry } from '../ai/providers/library-provider-registry.js';
import type { ProviderRegistry, ProviderView } from '../ai/providers/provider-registry.js';
import type { Library } from '../library/library.js';
import { UsageError } from './parse-args.js';
import { availableKeychain } from './unlock.js';

type Handler = (library: Library, request: CommandRequest, output: CommandOutput) => Promise<number>;

/** `clipshot ai …`: remote AI providers of this library on this device. Runs where the library is open. */
export const AI_COMMANDS: Record<string, Handler> = {
  ai: async (library, request, output) => runAiCommand(openLibraryProviderRegistry(library, { keychain: await availableKeychain() }), request, output),
};

export async function runAiCommand(registry: ProviderRegistry, request: CommandRequest, output: CommandOutput): Promise<number> {
  const [action = 'providers', id, ...extra] = request.positionals;
  const json = request.options.json === true;
  if (extra.length > 0) throw new UsageError(`ai ${action}: too many arguments`);
  switch (action) {
    case 'providers': {
      if (id !== undefined) throw new UsageError('ai providers takes no argument');
      const views = await registry.list();
      output.stdout(json ? `${JSON.stringify({ providers: views })}\n` : formatProviders(views));
      return 0;
    }
    case 'enable': {
      if (id === undefined) throw new UsageError('ai enable: name a provider (openai or anthropic)');
      // The CLI process showed the consent text and asked (or was given --yes): see ai-consent-prompt.ts.
      if (request.options.yes !== true) throw new UsageError('ai enable: consent was not given (--yes)');
      const view = await registry.enable(id, {
        consent: true,
        ...(request.stdinText !== undefined && { apiKey: request.stdinText }),
        ...stringOption(request, 'base-url', 'baseUrl'),
        ...stringOption(request, 'model', 'model'),
        ...stringOption(request, 'embedding-model', 'embeddingModel'),
      });
      output.stdout(json ? `${JSON.stringify({ provider: view })}\n` : `${view.name} is on: requests go to ${view.baseUrl} (model ${view.model}); the key is kept in ${keyStoreWords(view.keyStore)}.\n`);
      return 0;
    }
    case 'disable': {
      if (id === undefined) throw new UsageError('ai disable: name a provider (openai or anthropic)');
      const view = await registry.disable(id);
      output.stdout(json ? `${JSON.stringify({ provider: view })}\n` : `${view.name} is off: nothing is sent to ${view.host}. Its key and settings are kept (clipshot ai forget ${view.id} deletes them).\n`);
      return 0;
    }
    case 'forget': {
      if (id === undefined) throw new UsageError('ai forget: name a provider (openai or anthropic)');
      const view = await registry.forget(id);
      output.stdout(json ? `${JSON.stringify({ provider: view })}\n` : `${view.name} is off, and its key and settings are deleted from this device.\n`);
      return 0;
    }
    default:
      throw new UsageError(`ai: unknown action "${action}" (providers, enable, disable, forget)`);
  }
}

function formatProviders(views: readonly ProviderView[]): string {
  return views
    .map((view) => {
      const state = view.enabled ? 'on ' : 'off';
      const key = view.hasKey ? `key in ${view.keyStore}` : 'no key';
      return `${view.id.padEnd(10)} ${state}  ${key.padEnd(16)} ${view.baseUrl}  model ${view.model}  (${view.capabilities.join(', ')})`;
    })
    .join('\n')
    .concat('\n');
}

/** Where the key is, as a person would say it. */
function keyStoreWords(name: string | null): string {
  if (name === 'keyring' || name === 'safe-storage') return 'the OS keychain';
  if (name === 'library') return "the library's encrypted vault (no OS keychain is reachable here)";
  return name === null ? 'no store' : `the ${name} store`;
}

function stringOption<K extends string>(request: CommandRequest, option: string, key: K): Partial<Record<K, string>> {
  const value = request.options[option];
  return typeof value === 'string' ? ({ [key]: value } as Partial<Record<K, string>>) : {};
}
