// Runs in the CLI process before `clipshot ai enable` is carried out, here or in the running
// instance: only this process has the person's terminal to show the consent text and ask for the
// key. Imports nothing heavy.
import readline from 'node:readline/promises';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { providerConsentText } from '../ai/providers/consent.js';
import { isRemoteProviderId, REMOTE_PROVIDER_IDS, REMOTE_PROVIDERS } from '../ai/providers/provider-catalog.js';
import { ProviderError } from '../ai/providers/provider-error.js';
import { checkApiKey, checkModelName, normaliseBaseUrl } from '../ai/providers/provider-settings.js';
import { EmptyPassphraseError } from '../security/key-errors.js';
import { NoTerminalError, promptPassphrase } from '../security/passphrase-prompt.js';
import { UsageError } from './parse-args.js';

const MAX_KEY_BYTES = 8192;

/** What the prompt needs of the terminal; process.stdin and the CLI's output by default. */
export interface ConsentTerminal {
  readonly input: NodeJS.ReadStream;
  readonly output: CommandOutput;
  readonly errorStream: NodeJS.WritableStream;
}

/**
 * For `ai enable`: shows what would leave the device, asks for consent (unless --yes) and for the
 * key (hidden, or from stdin with --key-stdin), then marks the request as consented and carries
 * the key in it. Other `ai` actions pass through untouched.
 */
export async function prepareAiRequest(request: CommandRequest, terminal: ConsentTerminal = { input: process.stdin, output: defaultOutput(), errorStream: process.stderr }): Promise<void> {
  if (request.positionals[0] !== 'enable') return;
  const id = request.positionals[1];
  if (id === undefined || !isRemoteProviderId(id)) throw new UsageError(`ai enable: name a provider (${REMOTE_PROVIDER_IDS.join(' or ')})`);
  const name = REMOTE_PROVIDERS[id].name;
  const destination = checked(() => ({
    baseUrl: typeof request.options['base-url'] === 'string' ? normaliseBaseUrl(id, request.options['base-url']) : null,
    model: typeof request.options.model === 'string' ? checkModelName(id, request.options.model) : null,
    embeddingModel: typeof request.options['embedding-model'] === 'string' ? checkModelName(id, request.options['embedding-model']) : null,
  }));
  const { output, input } = terminal;
  output.stderr(`${providerConsentText(id, destination)}\n`);

  const keyFromStdin = request.options['key-stdin'] === true;
  if (request.options.yes !== true) {
    if (keyFromStdin || input.isTTY !== true) {
      throw new UsageError(`ai enable: ${keyFromStdin ? 'stdin holds the key, so' : 'there is no terminal, so'} consent cannot be asked: after reading the text above, agree with --yes`);
    }
    const rl = readline.createInterface({ input, output: terminal.errorStream });
    const answer = await rl.question(`Turn on ${name} and allow this? [y/N] `).finally(() => rl.close());
    if (!/^y(es)?$/i.test(answer.trim())) throw new Error(`${name} stays off: consent was not given`);
  }

  let key: string | undefined;
  if (keyFromStdin) {
    key = await readKeyFromStdin(input);
    if (key.trim() === '') throw new UsageError('ai enable: --key-stdin was given but stdin is empty');
  } else if (input.isTTY === true) {
    try {
      key = await promptPassphrase(`${name} API key (Enter to keep the stored one): `, { input });
    } catch (error) {
      // An empty answer keeps the stored key, if there is one; the enable step says if there is not.
      if (!(error instanceof EmptyPassphraseError)) throw error instanceof NoTerminalError ? new UsageError('ai enable: no terminal to ask for the key: use --key-stdin') : error;
    }
  }
  if (key !== undefined) checked(() => checkApiKey(id, key!));
  request.options.yes = true;
  if (key !== undefined) request.stdinText = key.trim();
  else delete request.stdinText;
}

async function readKeyFromStdin(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += bytes.length;
    if (size > MAX_KEY_BYTES) throw new UsageError(`ai enable: stdin holds more than ${MAX_KEY_BYTES} bytes; an API key is far shorter`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Bad settings typed on the command line are usage errors (exit 2), not failures. */
function checked<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ProviderError && error.kind === 'invalid-settings') throw new UsageError(`ai enable: ${error.message}`);
    throw error;
  }
}

function defaultOutput(): CommandOutput {
  return { interactive: process.stderr.isTTY === true, stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
}
