// The API's AI provider methods on the real service (tests/helpers/direct-api.ts, requests and
// answers through JSON) with the real library-backed provider registry: remote providers are off
// until turned on with consent to the very text shown and a key; the key goes into the keychain
// and to the provider's server, and never into an answer or an event; disable and forget; bad
// input refused in words. The provider turned on is the one analysis would use (a real HTTP
// server on loopback that speaks OpenAI's API checks the key).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { RemoteProviderView } from '../../../contract/ai-settings.js';
import { ApiError, type ApiEvent, type ApiMethod } from '../../../contract/api.js';
import { loadCatalog } from '../../../main/ai/models/catalog.js';
import { ModelStore } from '../../../main/ai/models/model-store.js';
import { openLibraryProviderRegistry, providerKeyAccount } from '../../../main/ai/providers/library-provider-registry.js';
import type { ProviderRegistry } from '../../../main/ai/providers/provider-registry.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { makeTestImage, startFakeOpenAi, type FakeApi } from '../../helpers/fake-ai-apis.js';
import { tempDir } from '../../helpers/temp.js';
import { catalogOf, testModel } from '../ai/model-test-server.js';

const KEY = 'sk-proj-api-test-7f3a9c1e55d2';

let core: TestCore | null = null;
let fake: FakeApi | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
  await fake?.close();
  fake = null;
});

interface Setup {
  core: TestCore;
  registry: ProviderRegistry;
  keychain: MemorySecretStore;
  /** Every answer and event the window got, as JSON. */
  seen: string[];
}

async function setup(options: { models?: ModelStore } = {}): Promise<Setup> {
  const keychain = new MemorySecretStore('keyring');
  let registry: ProviderRegistry | null = null;
  core = await createTestCore(undefined, {
    providers: (library) => (registry = openLibraryProviderRegistry(library, { keychain })),
    ...(options.models && { models: options.models }),
  });
  const seen: string[] = [];
  core.api.onEvent((event: ApiEvent) => seen.push(JSON.stringify(event)));
  // Every answer is recorded on its way back to the window.
  const api = core.api;
  for (const method of ['aiProviders', 'providerConsentText', 'enableProvider', 'disableProvider', 'forgetProvider'] as const) {
    const call = api[method] as (params: unknown) => Promise<unknown>;
    (api as unknown as Record<string, unknown>)[method] = async (params: unknown) => {
      try {
        const answer = await call(params);
        seen.push(JSON.stringify(answer));
        return answer;
      } catch (error) {
        seen.push(JSON.stringify(error instanceof ApiError ? error.toJSON() : String(error)));
        throw error;
      }
    };
  }
  return { core, registry: registry!, keychain, seen };
}

async function failure(request: Promise<unknown>): Promise<ApiError> {
  const error = await request.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const openAiOf = (views: { remote: RemoteProviderView[] }) => views.remote.find((view) => view.id === 'openai')!;

describe('without a provider registry', () => {
  test('every provider method answers unsupported, in words', async () => {
    core = await createTestCore();
    const requests: [ApiMethod, object][] = [
      ['aiProviders', {}],
      ['providerConsentText', { id: 'openai' }],
      ['enableProvider', { id: 'openai', consent: true, consentText: 'x', apiKey: KEY }],
      ['disableProvider', { id: 'openai' }],
      ['forgetProvider', { id: 'openai' }],
    ];
    for (const [method, params] of requests) {
      const error = await failure(core.service.dispatch(method, params));
      expect([method, error.code, error.message]).toEqual([method, 'unsupported', 'AI providers cannot be set up in this instance of ClipShot']);
    }
  });
});

describe('AI providers through the API', () => {
  test('the on-device provider is always there, its capabilities those of the installed models; the remote ones are off', async () => {
    const { files, entry } = testModel('test-clip', [100]);
    const models = new ModelStore({ dir: await tempDir('clipshot-provider-models-'), catalog: catalogOf(loadCatalog().models.find((model) => model.bundled)!, entry) });
    const { core } = await setup({ models });
    const views = await core.api.aiProviders({});
    expect(views.local).toEqual({ id: 'local', name: 'On this device', capabilities: ['recognise-text'] });
    expect(views.remote.map((view) => [view.id, view.name, view.enabled, view.hasKey, view.keyStore, view.consentedAt])).toEqual([
      ['openai', 'OpenAI', false, false, null, null],
      ['anthropic', 'Anthropic', false, false, null, null],
    ]);
    expect(openAiOf(views)).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      defaultBaseUrl: 'https://api.openai.com/v1',
      host: 'api.openai.com',
      model: 'gpt-4o-mini',
      defaultModel: 'gpt-4o-mini',
      capabilities: ['recognise-text', 'tag', 'describe', 'embed'],
    });
    expect(openAiOf(views).consentText).toMatch(/^Turning on OpenAI lets ClipShot send data from this device to api\.openai\.com when clips are analysed:\n/);

    // A CLIP-like model installed from a folder adds tagging.
    const source = await tempDir('clipshot-provider-source-');
    for (const file of files) {
      await fs.mkdir(path.dirname(path.join(source, file.path)), { recursive: true });
      await fs.writeFile(path.join(source, file.path), file.body);
    }
    await models.importFrom(source);
    expect((await core.api.aiProviders({})).local.capabilities).toEqual(['recognise-text', 'tag']);
  });

  test('the consent text follows the settings typed; a bad base URL or an unknown provider is refused in words', async () => {
    const { core } = await setup();
    const views = await core.api.aiProviders({});
    expect((await core.api.providerConsentText({ id: 'openai' })).text).toBe(openAiOf(views).consentText);
    // Empty fields mean the provider's own.
    expect((await core.api.providerConsentText({ id: 'openai', baseUrl: ' ', model: '' })).text).toBe(openAiOf(views).consentText);
    const local = (await core.api.providerConsentText({ id: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', model: 'llava' })).text;
    expect(local).toMatch(/^Turning on OpenAI lets ClipShot send data from this device to 127\.0\.0\.1:8080 when clips are analysed:\n/);
    expect(local).toContain('(model llava)');

    const plain = await failure(core.api.providerConsentText({ id: 'openai', baseUrl: 'http://example.com/v1' }));
    expect(plain.code).toBe('invalid-request');
    expect(plain.message).toMatch(/^the base URL for OpenAI must use https:\/\/ for example\.com: over plain http the API key would cross the network/);
    const notUrl = await failure(core.api.providerConsentText({ id: 'anthropic', baseUrl: 'anthropic' }));
    expect(notUrl.message).toBe('"anthropic" is not a URL: give Anthropic\'s base URL, like https://api.anthropic.com');
    const unknown = await failure(core.api.providerConsentText({ id: 'gemini' }));
    expect([unknown.code, unknown.message]).toEqual(['not-found', 'there is no AI provider "gemini" (there are: openai, anthropic)']);
  });

  test('turning a provider on without consent or without a key is refused, and stores nothing', async () => {
    const { core, keychain, registry } = await setup();
    const shown = openAiOf(await core.api.aiProviders({})).consentText;

    const noConsent = await failure(core.api.enableProvider({ id: 'openai', consentText: shown, apiKey: KEY } as never));
    expect([noConsent.code, noConsent.message]).toEqual(['invalid-request', 'enableProvider: consent: turning a provider on needs the consent of the person to what it would send']);
    const falseConsent = await failure(core.api.enableProvider({ id: 'openai', consent: false, consentText: shown, apiKey: KEY } as never));
    expect(falseConsent.code).toBe('invalid-request');
    const noText = await failure(core.api.enableProvider({ id: 'openai', consent: true, apiKey: KEY } as never));
    expect(noText.message).toMatch(/^enableProvider: consentText: /);

    const noKey = await failure(core.api.enableProvider({ id: 'openai', consent: true, consentText: shown }));
    expect([noKey.code, noKey.message]).toEqual(['invalid-request', 'turning on OpenAI needs its API key']);
    const emptyKey = await failure(core.api.enableProvider({ id: 'openai', consent: true, consentText: shown, apiKey: '   ' }));
    expect(emptyKey.message).toBe('turning on OpenAI needs its API key');

    // Agreed to what goes to api.openai.com, then the base URL changed: that is not what was agreed to.
    const moved = await failure(core.api.enableProvider({ id: 'openai', consent: true, consentText: shown, apiKey: KEY, baseUrl: 'http://127.0.0.1:9/v1' }));
    expect([moved.code, moved.message]).toEqual(['invalid-request', 'what OpenAI would send is not what was agreed to (the settings changed since): read it again and agree to turn it on']);

    expect(keychain.size).toBe(0);
    expect(openAiOf(await core.api.aiProviders({}))).toMatchObject({ enabled: false, hasKey: false, consentedAt: null });
    expect(() => registry.get('openai')).toThrow(/OpenAI is off/);
  });

  test('turned on with consent and a key: the key goes to the keychain and the provider, never into an answer or an event', async () => {
    fake = await startFakeOpenAi({ apiKey: KEY, answer: () => 'receipt total 42' });
    const { core, keychain, registry, seen } = await setup();
    const baseUrl = `${fake.url}/v1`;
    const { text } = await core.api.providerConsentText({ id: 'openai', baseUrl, model: 'gpt-test' });

    const view = await core.api.enableProvider({ id: 'openai', consent: true, consentText: text, apiKey: ` ${KEY}\n`, baseUrl, model: 'gpt-test' });
    expect(view).toMatchObject({ id: 'openai', enabled: true, hasKey: true, keyStore: 'keyring', baseUrl, host: new URL(fake.url).host, model: 'gpt-test', consentText: text });
    expect(view.consentedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(await keychain.get(providerKeyAccount(core.library.libraryId, 'openai'))).toBe(KEY);
    await expect.poll(() => seen.some((json) => json.includes('"providers-changed"'))).toBe(true);

    // The provider analysis would use now works, with the key sent to the server named.
    const found = await registry.get('openai').recogniseText!(await makeTestImage(), new AbortController().signal);
    expect(found.text).toBe('receipt total 42');
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);

    await core.api.aiProviders({});
    await core.api.disableProvider({ id: 'openai' });
    await core.api.forgetProvider({ id: 'openai' });
    expect(seen.length).toBeGreaterThan(5);
    for (const json of seen) expect(json).not.toContain(KEY);
    for (const json of seen) expect(json).not.toContain(KEY.slice(8));
  });

  test('disable keeps the key (turning it on again needs consent but no key); forget deletes the key and the settings', async () => {
    const { core, keychain, registry } = await setup();
    const baseUrl = 'http://localhost:11434/v1';
    const { text } = await core.api.providerConsentText({ id: 'openai', baseUrl });
    await core.api.enableProvider({ id: 'openai', consent: true, consentText: text, apiKey: KEY, baseUrl });

    const off = await core.api.disableProvider({ id: 'openai' });
    expect(off).toMatchObject({ enabled: false, hasKey: true, baseUrl });
    expect(() => registry.get('openai')).toThrow(/OpenAI is off/);
    expect(keychain.size).toBe(1);

    const again = await core.api.enableProvider({ id: 'openai', consent: true, consentText: text, baseUrl });
    expect(again).toMatchObject({ enabled: true, hasKey: true });

    const forgotten = await core.api.forgetProvider({ id: 'openai' });
    expect(forgotten).toMatchObject({ enabled: false, hasKey: false, keyStore: null, baseUrl: 'https://api.openai.com/v1', consentedAt: null });
    expect(keychain.size).toBe(0);
    const noKey = await failure(core.api.enableProvider({ id: 'openai', consent: true, consentText: (await core.api.providerConsentText({ id: 'openai' })).text }));
    expect(noKey.message).toBe('turning on OpenAI needs its API key');
    // The other provider was never touched.
    expect((await core.api.aiProviders({})).remote.find((view) => view.id === 'anthropic')).toMatchObject({ enabled: false, hasKey: false });
  });

  test('bad input is refused with a clear error and loses nothing', async () => {
    const { core, keychain } = await setup();
    const { text } = await core.api.providerConsentText({ id: 'anthropic' });
    await core.api.enableProvider({ id: 'anthropic', consent: true, consentText: text, apiKey: KEY });

    const spaced = await failure(core.api.enableProvider({ id: 'anthropic', consent: true, consentText: text, apiKey: 'sk-ant one two' }));
    expect([spaced.code, spaced.message]).toEqual(['invalid-request', 'the API key for Anthropic contains spaces or characters an API key does not have (was more than the key pasted?)']);
    const long = await failure(core.api.enableProvider({ id: 'anthropic', consent: true, consentText: text, apiKey: 'k'.repeat(9000) }));
    expect([long.code, long.message]).toEqual(['invalid-request', 'enableProvider: apiKey: that is too long to be an API key']);
    const model = await failure(core.api.enableProvider({ id: 'anthropic', consent: true, consentText: text, apiKey: KEY, model: 'two words' }));
    expect(model.message).toBe('"two words" is not a model name for Anthropic (one word, like claude-haiku-4-5)');
    const embeddings = await failure(core.api.enableProvider({ id: 'anthropic', consent: true, consentText: text, apiKey: KEY, embeddingModel: 'e5' }));
    expect(embeddings.message).toBe('Anthropic has no embeddings, so no embedding model can be set');
    const extra = await failure(core.api.enableProvider({ id: 'anthropic', consent: true, consentText: text, apiKey: KEY, secret: 1 } as never));
    expect(extra.message).toBe('enableProvider: request: Unrecognized key: "secret"');
    const unknown = await failure(core.api.disableProvider({ id: 'gemini' }));
    expect(unknown.code).toBe('not-found');
    const tooLong = await failure(core.api.forgetProvider({ id: 'x'.repeat(41) }));
    expect(tooLong.message).toBe('forgetProvider: id: no provider has so long an id');

    // Still on, with the first key.
    expect((await core.api.aiProviders({})).remote.find((view) => view.id === 'anthropic')).toMatchObject({ enabled: true, hasKey: true });
    expect(await keychain.get(providerKeyAccount(core.library.libraryId, 'anthropic'))).toBe(KEY);
  });
});
