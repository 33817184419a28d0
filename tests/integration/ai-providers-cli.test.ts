import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLibraryProviderRegistry } from '../../main/ai/providers/library-provider-registry.js';
import type { ProviderView } from '../../main/ai/providers/provider-registry.js';
import { availableKeychain } from '../../main/cli/unlock.js';
import { Library } from '../../main/library/library.js';
import { collect, runCli, startCli, TEST_PASSPHRASE, waitForLine } from '../helpers/cli.js';
import { makeTestImage, startFakeAnthropic, startFakeOpenAi, type FakeApi } from '../helpers/fake-ai-apis.js';
import { writeText } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp.js';

const OPENAI_KEY = 'sk-proj-cli-test-8d2f61a0c4e9b7';
const ANTHROPIC_KEY = 'sk-ant-api03-cli-test-4a7c19e2';
const running: ChildProcess[] = [];
const servers: FakeApi[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function newLibrary(): Promise<string> {
  const work = await tempDir();
  const library = path.join(work, 'library');
  const created = await runCli(['--library', library, 'import', await writeText(work, 'note.txt', 'a first clip')]);
  expect(created.code).toBe(0);
  return library;
}

async function providers(library: string, env: Record<string, string | undefined> = {}): Promise<ProviderView[]> {
  const listed = await runCli(['--library', library, 'ai', '--json'], { env });
  expect(listed).toMatchObject({ code: 0, stderr: '' });
  return (JSON.parse(listed.stdout) as { providers: ProviderView[] }).providers;
}

describe('clipshot ai', () => {
  it('lists, enables with consent and a key from stdin, and the key then works from the library; disable and forget', async () => {
    const api = await startFakeOpenAi({ apiKey: OPENAI_KEY, answer: () => 'Hello from the CLI test' });
    servers.push(api);
    const library = await newLibrary();
    expect((await providers(library)).map(({ id, enabled, hasKey }) => ({ id, enabled, hasKey }))).toEqual([
      { id: 'openai', enabled: false, hasKey: false },
      { id: 'anthropic', enabled: false, hasKey: false },
    ]);
    const table = await runCli(['--library', library, 'ai']);
    expect(table.stdout).toMatch(/^openai {5}off {2}no key {11}https:\/\/api\.openai\.com\/v1 {2}model gpt-4o-mini {2}\(recognise-text, tag, describe, embed\)$/m);

    // Without --yes the text is shown and nothing happens.
    const unconsented = await runCli(['--library', library, 'ai', 'enable', 'openai', '--key-stdin', '--base-url', `${api.url}/v1`], { input: `${OPENAI_KEY}\n` });
    expect(unconsented.code).toBe(2);
    expect(unconsented.stderr).toContain(`Sends each analysed image (as PNG/JPEG, typically 100 KB–2 MB) to ${new URL(api.url).host} (model gpt-4o-mini)`);
    expect(unconsented.stderr).toContain('agree with --yes');
    expect((await providers(library))[0]).toMatchObject({ enabled: false, hasKey: false });

    const enabled = await runCli(['--library', library, 'ai', 'enable', 'openai', '--key-stdin', '--yes', '--base-url', `${api.url}/v1`, '--model', 'gpt-4o'], { input: `${OPENAI_KEY}\n` });
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toMatch(new RegExp(`^OpenAI is on: requests go to ${api.url}/v1 \\(model gpt-4o\\); the key is kept in (the OS keychain|the library's encrypted vault \\(no OS keychain is reachable here\\))\\.\\n$`));
    expect(enabled.stderr).toContain(`Turning on OpenAI lets ClipShot send data from this device to ${new URL(api.url).host} when clips are analysed:`);
    expect(`${enabled.stdout}${enabled.stderr}`).not.toContain(OPENAI_KEY);
    const [openai] = await providers(library);
    expect(openai).toMatchObject({ enabled: true, hasKey: true, baseUrl: `${api.url}/v1`, model: 'gpt-4o' });
    expect(['keyring', 'library']).toContain(openai!.keyStore);
    expect(JSON.stringify(openai)).not.toContain(OPENAI_KEY);
    expect(api.requests).toHaveLength(0);

    // What the CLI stored is what the analysis will use: the key from the store, the URL and model from the library.
    const opened = await Library.open(library, { method: 'passphrase', passphrase: TEST_PASSPHRASE });
    try {
      const registry = openLibraryProviderRegistry(opened, { keychain: await availableKeychain() });
      const recognition = await registry.get('openai').recogniseText!(await makeTestImage(), new AbortController().signal);
      expect(recognition.text).toBe('Hello from the CLI test');
      expect(recognition.model).toEqual({ id: 'openai:gpt-4o', version: 'gpt-4o-2024-07-18' });
    } finally {
      await opened.close();
    }
    expect(api.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${OPENAI_KEY}`]);

    const disabled = await runCli(['--library', library, 'ai', 'disable', 'openai']);
    expect(disabled).toMatchObject({ code: 0, stdout: `OpenAI is off: nothing is sent to ${new URL(api.url).host}. Its key and settings are kept (clipshot ai forget openai deletes them).\n` });
    expect((await providers(library))[0]).toMatchObject({ enabled: false, hasKey: true });

    const forgotten = await runCli(['--library', library, 'ai', 'forget', 'openai']);
    expect(forgotten).toMatchObject({ code: 0, stdout: 'OpenAI is off, and its key and settings are deleted from this device.\n' });
    expect((await providers(library))[0]).toMatchObject({ enabled: false, hasKey: false, baseUrl: 'https://api.openai.com/v1' });
  });

  it('works through a running instance: consent and key are taken here, the instance stores them', async () => {
    const api = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY });
    servers.push(api);
    const library = await newLibrary();
    const serve = startCli(['--library', library, 'serve', '--no-sync']);
    running.push(serve);
    await waitForLine(serve, /^control socket: /);
    // No passphrase: only the running instance can open the library.
    const noPassphrase = { CLIPSHOT_PASSPHRASE: undefined };
    const enabled = await runCli(['--library', library, 'ai', 'enable', 'anthropic', '--key-stdin', '--yes', '--base-url', api.url], { input: ANTHROPIC_KEY, env: noPassphrase });
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toMatch(new RegExp(`^Anthropic is on: requests go to ${api.url} \\(model claude-haiku-4-5\\)`));
    expect((await providers(library, noPassphrase))[1]).toMatchObject({ id: 'anthropic', enabled: true, hasKey: true, baseUrl: api.url });
    expect((await runCli(['--library', library, 'ai', 'disable', 'anthropic'], { env: noPassphrase })).code).toBe(0);
    expect((await providers(library, noPassphrase))[1]).toMatchObject({ enabled: false, hasKey: true });
    // Turning it on again needs no key: the stored one is kept.
    const again = await runCli(['--library', library, 'ai', 'enable', 'anthropic', '--yes', '--base-url', api.url], { env: noPassphrase });
    expect(again.code).toBe(0);
    expect((await providers(library, noPassphrase))[1]).toMatchObject({ enabled: true, hasKey: true });
    expect((await runCli(['--library', library, 'ai', 'forget', 'anthropic'], { env: noPassphrase })).code).toBe(0);
    serve.kill('SIGTERM');
    expect((await collect(serve)).code).toBe(0);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses what it cannot do, in words, with a usage exit code', async () => {
    const library = await newLibrary();
    const insecure = await runCli(['--library', library, 'ai', 'enable', 'openai', '--yes', '--key-stdin', '--base-url', 'http://llm.example.net/v1'], { input: OPENAI_KEY });
    expect(insecure).toMatchObject({
      code: 2,
      stderr: 'clipshot: ai enable: the base URL for OpenAI must use https:// for llm.example.net: over plain http the API key would cross the network readable by anyone on the way (http is allowed only for this machine)\n',
    });
    const noKey = await runCli(['--library', library, 'ai', 'enable', 'anthropic', '--yes']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/clipshot: turning on Anthropic needs its API key\n$/);
    expect(await runCli(['--library', library, 'ai', 'enable', 'gemini', '--yes'])).toMatchObject({ code: 2, stderr: 'clipshot: ai enable: name a provider (openai or anthropic)\n' });
    expect(await runCli(['--library', library, 'ai', 'rotate'])).toMatchObject({ code: 2, stderr: 'clipshot: ai: unknown action "rotate" (providers, enable, disable, forget)\n' });
    expect(await runCli(['--library', library, 'ai', 'disable', 'gemini'])).toMatchObject({ code: 1, stderr: 'clipshot: there is no AI provider "gemini" (there are: openai, anthropic)\n' });
    expect((await providers(library)).every((view) => !view.enabled && !view.hasKey)).toBe(true);
  });
});
