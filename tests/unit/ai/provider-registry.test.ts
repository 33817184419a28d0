import { afterEach, describe, expect, it } from 'vitest';
import { consentText } from '../../../main/ai/providers/consent.js';
import { openLibraryProviderRegistry, providerKeyAccount } from '../../../main/ai/providers/library-provider-registry.js';
import { ProviderError } from '../../../main/ai/providers/provider-error.js';
import { createProviderRegistry, type ProviderRegistry } from '../../../main/ai/providers/provider-registry.js';
import { LibraryProviderSettingsStore, MemoryProviderSettingsStore } from '../../../main/ai/providers/provider-settings-store.js';
import { Library } from '../../../main/library/library.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { SecretStoreUnavailableError, type SecretStore } from '../../../main/security/secret-store.js';
import { makeTestImage, startFakeOpenAi, type FakeApi } from '../../helpers/fake-ai-apis.js';
import { createTestLibrary } from '../../helpers/library.js';

const KEY = 'sk-proj-registry-test-5b0e7d21c9';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeOpenAi(): Promise<FakeApi> {
  const api = await startFakeOpenAi({ apiKey: KEY, answer: () => 'some text' });
  cleanups.push(() => api.close());
  return api;
}

async function library() {
  const made = await createTestLibrary();
  cleanups.push(() => made.library.close());
  return made;
}

/** A keychain as the OS has it: a store of its own, separate from the library. */
function keychain(): MemorySecretStore {
  return new MemorySecretStore('keyring');
}

class UnreachableKeychain implements SecretStore {
  readonly name = 'keyring';
  async get(): Promise<string | null> {
    throw new SecretStoreUnavailableError('the OS keychain is not available: no Secret Service is running in this session');
  }
  async set(): Promise<void> {
    throw new SecretStoreUnavailableError('the OS keychain is not available: no Secret Service is running in this session');
  }
  async delete(): Promise<boolean> {
    throw new SecretStoreUnavailableError('the OS keychain is not available: no Secret Service is running in this session');
  }
}

function caught(work: () => unknown): ProviderError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

async function rejection(work: Promise<unknown>): Promise<ProviderError> {
  const error = await work.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** Every value in every table of the library's database, as text. */
function databaseText(library: Library): string {
  const tables = library.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return tables.map(({ name }) => JSON.stringify(library.db.prepare(`SELECT * FROM "${name}"`).all(), (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : value))).join('\n');
}

async function enableOpenAi(registry: ProviderRegistry, api: FakeApi, limits = {}) {
  return registry.enable('openai', { apiKey: KEY, baseUrl: `${api.url}/v1`, consent: true, limits: { maxRetries: 0, timeoutMs: 5000, ...limits } });
}

describe('provider registry', () => {
  it('starts with every provider off, no key, and says why get() refuses', async () => {
    const { library: lib } = await library();
    const registry = openLibraryProviderRegistry(lib, { keychain: keychain() });
    const views = await registry.list();
    expect(views.map(({ id, name, enabled, hasKey, baseUrl, model, capabilities }) => ({ id, name, enabled, hasKey, baseUrl, model, capabilities }))).toEqual([
      { id: 'openai', name: 'OpenAI', enabled: false, hasKey: false, baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o-mini', capabilities: ['recognise-text', 'tag', 'describe', 'embed'] },
      { id: 'anthropic', name: 'Anthropic', enabled: false, hasKey: false, baseUrl: 'https://api.anthropic.com', model: 'claude-haiku-4-5', capabilities: ['recognise-text', 'tag', 'describe'] },
    ]);
    expect(views[0]!.consentText).toContain('Sends each analysed image (as PNG/JPEG, typically 100 KB–2 MB) to api.openai.com (model gpt-4o-mini), which returns the text it reads in it.');
    expect(caught(() => registry.get('openai'))).toMatchObject({ kind: 'disabled', message: 'OpenAI is off: turn it on in Settings → AI (or clipshot ai enable openai)' });
    expect(caught(() => registry.get('mistral'))).toMatchObject({ kind: 'unknown-provider', message: 'there is no AI provider "mistral" (there are: openai, anthropic)' });
  });

  it('will not enable without consent or without a key, and then stores nothing', async () => {
    const { library: lib } = await library();
    const store = keychain();
    const registry = openLibraryProviderRegistry(lib, { keychain: store });
    const refused = await rejection(registry.enable('openai', { apiKey: KEY, consent: false as unknown as true }));
    expect(refused.kind).toBe('no-consent');
    expect(refused.message).toMatch(/^OpenAI stays off: turning it on needs consent to what it would send \(Sends each analysed image/);
    expect(await rejection(registry.enable('openai', { consent: true }))).toMatchObject({ kind: 'no-key', message: 'turning on OpenAI needs its API key' });
    expect(store.size).toBe(0);
    expect((await registry.view('openai')).enabled).toBe(false);
  });

  it('keeps the key only in the SecretStore and the settings in the library, across a reopen', async () => {
    const { library: lib, dir, store: unlock } = await library();
    const store = keychain();
    const registry = openLibraryProviderRegistry(lib, { keychain: store });
    const view = await registry.enable('openai', { apiKey: `  ${KEY}\n`, baseUrl: 'https://llm.example.net/v1/', model: 'gpt-4.1-mini', consent: true, limits: { requestsPerMinute: 12 } });
    expect(view).toMatchObject({ enabled: true, hasKey: true, keyStore: 'keyring', baseUrl: 'https://llm.example.net/v1', host: 'llm.example.net', model: 'gpt-4.1-mini' });
    expect(view.consentedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(view.consentText).toContain('to llm.example.net (model gpt-4.1-mini)');
    expect(view.consentText).toContain('The data policy of whoever runs llm.example.net applies.');
    expect(await store.get(providerKeyAccount(lib.libraryId, 'openai'))).toBe(KEY);
    expect(JSON.stringify(await registry.list())).not.toContain(KEY);
    expect(databaseText(lib)).toContain('llm.example.net');
    expect(databaseText(lib)).not.toContain(KEY);

    await lib.close();
    cleanups.pop();
    const reopened = await Library.open(dir, { method: 'secret-store', store: unlock });
    cleanups.push(() => reopened.close());
    const again = await openLibraryProviderRegistry(reopened, { keychain: store }).view('openai');
    expect(again).toMatchObject({ enabled: true, hasKey: true, model: 'gpt-4.1-mini', baseUrl: 'https://llm.example.net/v1', limits: { requestsPerMinute: 12, burst: 3 } });
  });

  it('puts the key in the library vault when the OS keychain cannot be reached', async () => {
    const { library: lib } = await library();
    const registry = openLibraryProviderRegistry(lib, { keychain: new UnreachableKeychain() });
    const view = await registry.enable('anthropic', { apiKey: 'sk-ant-vault-key-123456', consent: true });
    expect(view).toMatchObject({ enabled: true, hasKey: true, keyStore: 'library' });
    // A later session with the keychain working still finds the key where it went.
    expect(await openLibraryProviderRegistry(lib, { keychain: keychain() }).view('anthropic')).toMatchObject({ hasKey: true, keyStore: 'library' });
  });

  it('says so, and sends nothing, when the store holding the key is gone', async () => {
    const api = await fakeOpenAi();
    const { library: lib } = await library();
    await enableOpenAi(openLibraryProviderRegistry(lib, { keychain: keychain() }), api);
    const withoutKeychain = openLibraryProviderRegistry(lib, { keychain: null });
    expect(await withoutKeychain.view('openai')).toMatchObject({ enabled: true, hasKey: false, keyStore: null });
    const error = await rejection(withoutKeychain.get('openai').recogniseText!(await makeTestImage(), new AbortController().signal));
    expect(error).toMatchObject({ kind: 'no-key', message: 'the API key for OpenAI is in the keyring store, which cannot be reached now; turn OpenAI on again with the key' });
    expect(api.requests).toHaveLength(0);
  });

  it('disable stops a provider already handed out, before any request; enabling again reuses the stored key', async () => {
    const api = await fakeOpenAi();
    const { library: lib } = await library();
    const registry = openLibraryProviderRegistry(lib, { keychain: keychain() });
    await enableOpenAi(registry, api);
    const provider = registry.get('openai');
    const image = await makeTestImage();
    const off = await registry.disable('openai');
    expect(off).toMatchObject({ enabled: false, hasKey: true });
    expect(await rejection(provider.recogniseText!(image, new AbortController().signal))).toMatchObject({ kind: 'disabled' });
    expect(await rejection(provider.embed!(['text'], new AbortController().signal))).toMatchObject({ kind: 'disabled' });
    expect(api.requests).toHaveLength(0);

    await registry.enable('openai', { baseUrl: `${api.url}/v1`, consent: true });
    expect((await provider.recogniseText!(image, new AbortController().signal)).text).toBe('some text');
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('a provider without recorded consent sends nothing, even if marked enabled', async () => {
    const api = await fakeOpenAi();
    const settings = new MemoryProviderSettingsStore();
    const secrets = new MemorySecretStore();
    const registry = createProviderRegistry({ settings, secrets });
    await enableOpenAi(registry, api);
    const provider = registry.get('openai');
    await settings.save('openai', { ...settings.get('openai'), consentedAt: null });
    expect(await rejection(provider.recogniseText!(await makeTestImage(), new AbortController().signal))).toMatchObject({ kind: 'no-consent' });
    expect(caught(() => registry.get('openai')).kind).toBe('no-consent');
    expect(api.requests).toHaveLength(0);
  });

  it('turning a provider off also stops calls waiting for the rate limit', async () => {
    const api = await fakeOpenAi();
    const registry = createProviderRegistry({ settings: new MemoryProviderSettingsStore(), secrets: new MemorySecretStore() });
    await enableOpenAi(registry, api, { requestsPerMinute: 60, burst: 1 });
    const provider = registry.get('openai');
    const image = await makeTestImage();
    await provider.recogniseText!(image, new AbortController().signal);
    const queued = provider.recogniseText!(image, new AbortController().signal);
    await registry.disable('openai');
    expect(await rejection(queued)).toMatchObject({ kind: 'disabled' });
    expect(api.requests).toHaveLength(1);
  });

  it("turning a provider off between the SDK's retries ends the call without another request", async () => {
    const api = await fakeOpenAi();
    let registry: ProviderRegistry | null = null;
    registry = createProviderRegistry({
      settings: new MemoryProviderSettingsStore(),
      secrets: new MemorySecretStore(),
      onRequest: (report) => void (report.attempt === 1 && registry!.disable('openai')),
    });
    await enableOpenAi(registry, api, { maxRetries: 2 });
    api.script({ status: 500, json: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } } });
    const started = performance.now();
    expect(await rejection(registry.get('openai').recogniseText!(await makeTestImage(), new AbortController().signal))).toMatchObject({ kind: 'disabled' });
    expect(api.requests).toHaveLength(1);
    // One back-off (at most half a second), not the SDK's whole schedule (at least 1.1 s more).
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('spaces requests by the provider rate limit, shared by every caller', async () => {
    const api = await fakeOpenAi();
    const sentAt: number[] = [];
    const registry = createProviderRegistry({ settings: new MemoryProviderSettingsStore(), secrets: new MemorySecretStore(), onRequest: () => sentAt.push(performance.now()) });
    await enableOpenAi(registry, api, { requestsPerMinute: 600, burst: 1 });
    const image = await makeTestImage();
    await registry.get('openai').recogniseText!(image, new AbortController().signal);
    sentAt.length = 0;
    const started = performance.now();
    // Each caller holds the provider from its own get(): one bucket between them.
    await Promise.all([0, 1, 2, 3, 4].map(() => registry.get('openai').recogniseText!(image, new AbortController().signal)));
    expect(api.requests).toHaveLength(6);
    // 10 a second with a burst of 1: the k-th request cannot leave before k × 100 ms (a busy machine only makes it later).
    sentAt.sort((a, b) => a - b).forEach((time, k) => expect(time - started).toBeGreaterThanOrEqual(k * 100 - 10));
  });

  it('reads the key from the SecretStore for every call', async () => {
    const api = await fakeOpenAi();
    const secrets = new MemorySecretStore();
    const registry = createProviderRegistry({ settings: new MemoryProviderSettingsStore(), secrets });
    await enableOpenAi(registry, api);
    const provider = registry.get('openai');
    const image = await makeTestImage();
    await provider.describe!(image, new AbortController().signal);
    await secrets.set('ai-provider:openai', 'sk-proj-replaced-elsewhere-000000');
    expect(await rejection(provider.describe!(image, new AbortController().signal))).toMatchObject({ kind: 'auth' });
    expect(api.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${KEY}`, 'Bearer sk-proj-replaced-elsewhere-000000']);
    await secrets.delete('ai-provider:openai');
    expect(await rejection(provider.describe!(image, new AbortController().signal))).toMatchObject({ kind: 'no-key', message: 'no API key for OpenAI is stored: turn it on again with a key in Settings → AI' });
    expect(api.requests).toHaveLength(2);
  });

  it('forget turns it off and deletes the key and settings', async () => {
    const { library: lib } = await library();
    const store = keychain();
    const registry = openLibraryProviderRegistry(lib, { keychain: store });
    await registry.enable('anthropic', { apiKey: 'sk-ant-forget-me-123456', model: 'claude-sonnet-4-5', consent: true });
    const view = await registry.forget('anthropic');
    expect(view).toMatchObject({ enabled: false, hasKey: false, consentedAt: null, model: 'claude-haiku-4-5' });
    expect(store.size).toBe(0);
    expect(new LibraryProviderSettingsStore(lib).get('anthropic').enabled).toBe(false);
    expect(databaseText(lib)).not.toContain('claude-sonnet-4-5');
  });

  it('refuses unusable settings in words, and keeps the old ones and the old key', async () => {
    const { library: lib } = await library();
    const store = keychain();
    const registry = openLibraryProviderRegistry(lib, { keychain: store });
    await registry.enable('openai', { apiKey: KEY, consent: true });
    const attempts: [Parameters<ProviderRegistry['enable']>[1], string][] = [
      [{ apiKey: 'sk-new-key-000000', baseUrl: 'http://llm.example.net/v1', consent: true }, 'the base URL for OpenAI must use https:// for llm.example.net: over plain http the API key would cross the network readable by anyone on the way (http is allowed only for this machine)'],
      [{ apiKey: 'sk-new-key-000000', baseUrl: 'ftp://llm.example.net', consent: true }, 'the base URL for OpenAI must start with https:// (it starts with ftp://)'],
      [{ apiKey: 'sk-new-key-000000', baseUrl: 'https://user:pw@llm.example.net', consent: true }, 'the base URL for OpenAI must not contain a user name or password; the API key is asked for separately'],
      [{ apiKey: 'sk-new-key-000000', baseUrl: 'not a url', consent: true }, '"not a url" is not a URL: give OpenAI\'s base URL, like https://api.openai.com/v1'],
      [{ apiKey: 'sk-new key with spaces', consent: true }, 'the API key for OpenAI contains spaces or characters an API key does not have (was more than the key pasted?)'],
      [{ apiKey: '   ', consent: true }, 'the API key for OpenAI is empty'],
      [{ apiKey: 'sk-new-key-000000', model: 'gpt 4o', consent: true }, '"gpt 4o" is not a model name for OpenAI (one word, like gpt-4o-mini)'],
      [{ apiKey: 'sk-new-key-000000', limits: { requestsPerMinute: -1 }, consent: true }, 'the limits for OpenAI are not usable: requestsPerMinute Too small: expected number to be >=0.1'],
    ];
    for (const [options, message] of attempts) expect(await rejection(registry.enable('openai', options))).toMatchObject({ kind: 'invalid-settings', message });
    expect(await rejection(registry.enable('anthropic', { apiKey: 'sk-ant-x-123456', embeddingModel: 'voyage-3', consent: true }))).toMatchObject({ kind: 'invalid-settings' });
    expect(await store.get(providerKeyAccount(lib.libraryId, 'openai'))).toBe(KEY);
    expect(await registry.view('openai')).toMatchObject({ enabled: true, baseUrl: 'https://api.openai.com/v1' });
    // Plain http is fine for a model server on this machine.
    expect((await registry.enable('openai', { baseUrl: 'http://localhost:11434/v1', model: 'llava', consent: true })).consentText).toContain('localhost:11434 is on this machine; the policy of whatever serves it applies.');
  });
});

describe('consent text', () => {
  it('says what leaves the device, where to, with which model, and under whose policy', () => {
    expect(consentText('openai', 'recognise-text')).toBe(
      "Sends each analysed image (as PNG/JPEG, typically 100 KB–2 MB) to api.openai.com (model gpt-4o-mini), which returns the text it reads in it. OpenAI's data policy applies.",
    );
    expect(consentText('openai', 'tag', { model: 'gpt-4.1' })).toBe(
      "Sends each analysed image (as PNG/JPEG, typically 100 KB–2 MB) and its recognised text, kind and file name to api.openai.com (model gpt-4.1), which returns up to 5 tags. OpenAI's data policy applies.",
    );
    expect(consentText('openai', 'embed')).toBe("Sends the recognised text of each clip to api.openai.com (model text-embedding-3-small), which returns numbers used to find similar clips. OpenAI's data policy applies.");
    expect(consentText('anthropic', 'describe', { baseUrl: 'https://gateway.example.org' })).toBe(
      'Sends each analysed image (as PNG/JPEG, typically 100 KB–2 MB) to gateway.example.org (model claude-haiku-4-5), which returns a one-sentence description. The data policy of whoever runs gateway.example.org applies.',
    );
    expect(() => consentText('anthropic', 'embed')).toThrow('Anthropic cannot text embeddings in ClipShot');
  });
});
