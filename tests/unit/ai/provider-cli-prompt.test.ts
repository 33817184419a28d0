import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { prepareAiRequest, type ConsentTerminal } from '../../../main/cli/ai-consent-prompt.js';
import { UsageError } from '../../../main/cli/parse-args.js';
import type { CommandRequest } from '../../../main/control/protocol.js';

function request(positionals: string[], options: CommandRequest['options'] = {}): CommandRequest {
  return { command: 'ai', positionals, options, cwd: '/' };
}

/** A terminal whose stdin is a pipe carrying `input`, as `echo KEY | clipshot ai enable …` gives. */
function pipedTerminal(input: string): { terminal: ConsentTerminal; stderr: () => string } {
  const stream = new PassThrough();
  stream.end(input);
  let written = '';
  const output = { interactive: false, stdout: () => undefined, stderr: (text: string) => void (written += text) };
  return { terminal: { input: stream as unknown as NodeJS.ReadStream, output, errorStream: new PassThrough() }, stderr: () => written };
}

describe('clipshot ai enable: consent and key in the CLI process', () => {
  it('shows what would be sent where, takes the key from stdin with --yes, and marks the request consented', async () => {
    const { terminal, stderr } = pipedTerminal('  sk-proj-from-stdin-123456\n');
    const enable = request(['enable', 'openai'], { 'key-stdin': true, yes: true, 'base-url': 'http://127.0.0.1:8080/v1/', model: 'gpt-4o' });
    await prepareAiRequest(enable, terminal);
    expect(enable.stdinText).toBe('sk-proj-from-stdin-123456');
    expect(enable.options.yes).toBe(true);
    expect(stderr()).toContain('Turning on OpenAI lets ClipShot send data from this device to 127.0.0.1:8080 when clips are analysed:');
    expect(stderr()).toContain('to 127.0.0.1:8080 (model gpt-4o), which returns the text it reads in it.');
    expect(stderr()).not.toContain('sk-proj-from-stdin');
  });

  it('without --yes and without a terminal it shows the text and refuses, so nothing is turned on unread', async () => {
    const { terminal, stderr } = pipedTerminal('sk-proj-from-stdin-123456\n');
    const enable = request(['enable', 'anthropic'], { 'key-stdin': true });
    await expect(prepareAiRequest(enable, terminal)).rejects.toThrow(new UsageError('ai enable: stdin holds the key, so consent cannot be asked: after reading the text above, agree with --yes'));
    expect(stderr()).toContain('to api.anthropic.com (model claude-haiku-4-5)');
    expect(enable.options.yes).toBeUndefined();
    expect(enable.stdinText).toBeUndefined();
  });

  it('refuses bad input as a usage error before asking anything', async () => {
    const cases: [CommandRequest, string][] = [
      [request(['enable']), 'ai enable: name a provider (openai or anthropic)'],
      [request(['enable', 'gemini']), 'ai enable: name a provider (openai or anthropic)'],
      [request(['enable', 'openai'], { 'base-url': 'http://llm.example.net/v1', yes: true }), 'ai enable: the base URL for OpenAI must use https:// for llm.example.net: over plain http the API key would cross the network readable by anyone on the way (http is allowed only for this machine)'],
      [request(['enable', 'openai'], { model: 'two words', yes: true }), 'ai enable: "two words" is not a model name for OpenAI (one word, like gpt-4o-mini)'],
    ];
    for (const [enable, message] of cases) {
      const { terminal, stderr } = pipedTerminal('');
      await expect(prepareAiRequest(enable, terminal)).rejects.toThrow(new UsageError(message));
      expect(stderr()).toBe('');
    }
    const { terminal } = pipedTerminal('sk bad key with spaces');
    await expect(prepareAiRequest(request(['enable', 'openai'], { 'key-stdin': true, yes: true }), terminal)).rejects.toThrow(
      'ai enable: the API key for OpenAI contains spaces or characters an API key does not have (was more than the key pasted?)',
    );
    const empty = pipedTerminal('\n');
    await expect(prepareAiRequest(request(['enable', 'openai'], { 'key-stdin': true, yes: true }), empty.terminal)).rejects.toThrow('ai enable: --key-stdin was given but stdin is empty');
  });

  it('leaves the other ai actions alone', async () => {
    const { terminal, stderr } = pipedTerminal('');
    const disable = request(['disable', 'openai']);
    await prepareAiRequest(disable, terminal);
    expect(disable).toEqual(request(['disable', 'openai']));
    expect(stderr()).toBe('');
  });
});
