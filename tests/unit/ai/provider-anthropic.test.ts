import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../../main/ai/providers/provider-error.js';
import { createProviderRegistry } from '../../../main/ai/providers/provider-registry.js';
import { MemoryProviderSettingsStore } from '../../../main/ai/providers/provider-settings-store.js';
import type { ProviderLimits } from '../../../main/ai/providers/provider-settings.js';
import type { ProviderRequestReport } from '../../../main/ai/providers/remote-call.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { anthropicError, makeTestImage, startFakeAnthropic, type FakeApi, type VisionTurn } from '../../helpers/fake-ai-apis.js';

const KEY = 'sk-ant-api03-test-b81e0c4f5a9d2e7c';
const servers: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(options: { limits?: Partial<ProviderLimits>; answer?: (turn: VisionTurn) => string; maxQueueWaitMs?: number } = {}) {
  const api = await startFakeAnthropic({ apiKey: KEY, ...(options.answer && { answer: options.answer }) });
  servers.push(api);
  const secrets = new MemorySecretStore();
  const reports: ProviderRequestReport[] = [];
  const registry = createProviderRegistry({
    settings: new MemoryProviderSettingsStore(),
    secrets,
    onRequest: (report) => reports.push(report),
    ...(options.maxQueueWaitMs !== undefined && { maxQueueWaitMs: options.maxQueueWaitMs }),
  });
  await registry.enable('anthropic', { apiKey: KEY, baseUrl: api.url, consent: true, limits: { timeoutMs: 5000, maxRetries: 0, requestsPerMinute: 6000, burst: 10, ...options.limits } });
  return { api, registry, secrets, reports, provider: registry.get('anthropic'), image: await makeTestImage() };
}

const signal = () => new AbortController().signal;

async function failure(work: Promise<unknown>): Promise<ProviderError> {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Anthropic provider against a loopback server speaking the Messages API', () => {
  it('reads text: the image as a base64 block, the key and API version in the headers, one line per line', async () => {
    const { api, provider, image, reports } = await setup({
      answer: (turn) => {
        expect(turn.image).toEqual({ mime: 'image/png', bytes: Buffer.from(image.encoded.bytes) });
        return turn.prompt.startsWith('Transcribe') ? 'const x = 1;\n  return x;' : 'wrong prompt';
      },
    });
    const recognition = await provider.recogniseText!(image, signal());
    expect(recognition.lines.map((line) => line.text)).toEqual(['const x = 1;', 'return x;']);
    expect(recognition.lines[0]!.box).toEqual([[0, 0], [48, 0], [48, 24], [0, 24]]);
    expect(recognition.model).toEqual({ id: 'anthropic:claude-haiku-4-5', version: 'claude-haiku-4-5-20251001' });
    const [request] = api.requests;
    const sentKey = request!.headers['x-api-key'] ?? String(request!.headers.authorization).replace(/^Bearer /, '');
    expect(sentKey).toBe(KEY);
    expect(request!.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request!.json).toMatchObject({ model: 'claude-haiku-4-5', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }, { type: 'text' }] }] });
    expect(reports).toEqual([{ provider: 'anthropic', capability: 'recognise-text', bytes: Buffer.byteLength(request!.text), host: new URL(api.url).host, model: 'claude-haiku-4-5', attempt: 1 }]);
  });

  it('an image without text comes back as no lines (an empty content list is a valid answer)', async () => {
    const { provider, image } = await setup({ answer: () => '' });
    const recognition = await provider.recogniseText!(image, signal());
    expect(recognition).toMatchObject({ lines: [], text: '', width: 48, height: 24 });
  });

  it('tags from JSON wrapped in a sentence and a Markdown fence, and describes', async () => {
    const { provider, image } = await setup({
      answer: (turn) => (turn.prompt.startsWith('Suggest') ? 'Here you go:\n```json\n{"tags": ["code", "TypeScript"]}\n```' : 'A code editor showing a short function.'),
    });
    const tags = await provider.tag!(image, { recognisedText: 'const x', kind: 'image', sourceName: 'a.png' }, signal());
    expect(tags.map((tag) => tag.tag)).toEqual(['code', 'typescript']);
    expect(await provider.describe!(image, signal())).toMatchObject({ text: 'A code editor showing a short function.' });
  });

  it('tags: a clean JSON answer becomes ranked remote tags', async () => {
    const { provider, image } = await setup({ answer: () => '{"tags": ["code", "TypeScript", "editor"]}' });
    const tags = await provider.tag!(image, { recognisedText: 'const x', kind: 'image', sourceName: 'a.png' }, signal());
    expect(tags.map(({ tag, score, source }) => ({ tag, score, source }))).toEqual([
      { tag: 'code', score: 1, source: 'remote' },
      { tag: 'typescript', score: 0.8, source: 'remote' },
      { tag: 'editor', score: 0.6, source: 'remote' },
    ]);
  });

  it('401: the key was refused, in plain words, once', async () => {
    const { api, provider, image, secrets } = await setup({ limits: { maxRetries: 2 } });
    await secrets.set('ai-provider:anthropic', 'sk-ant-api03-wrong');
    const error = await failure(provider.recogniseText!(image, signal()));
    expect(error).toMatchObject({ kind: 'auth', status: 401, message: 'Anthropic refused the API key (401): check the key in Settings → AI' });
    expect(api.requests).toHaveLength(1);
    expect(inspect(error)).not.toContain('sk-ant-api03');
  });

  it('429 with Retry-After: 20 → "Anthropic is rate limiting this key; ClipShot will retry in 20 s"', async () => {
    const { api, provider, image } = await setup({ limits: { maxRetries: 2 }, maxQueueWaitMs: 0 });
    api.script(anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '20' }));
    const error = await failure(provider.recogniseText!(image, signal()));
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 20_000, message: 'Anthropic is rate limiting this key; ClipShot will retry in 20 s' });
    expect(api.requests).toHaveLength(1);
    expect((await failure(provider.recogniseText!(image, signal()))).kind).toBe('rate-limited');
    expect(api.requests).toHaveLength(1);
  });

  it('529 overloaded and 500: bounded retries, then plain words', async () => {
    const { api, provider, image } = await setup({ limits: { maxRetries: 1 } });
    const overloaded = anthropicError(529, 'overloaded_error', 'Overloaded');
    api.script(overloaded, overloaded);
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'server', status: 529, message: 'Anthropic is overloaded (529); ClipShot will try again later' });
    expect(api.requests).toHaveLength(2);
    const broken = anthropicError(500, 'api_error', 'Internal server error');
    api.script(broken, broken);
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'server', status: 500, message: 'Anthropic had a server error (500); ClipShot will try again later' });
    expect(api.requests).toHaveLength(4);
  });

  it('times out on a silent server, and reads a broken reply as malformed', async () => {
    const { api, provider, image } = await setup({ limits: { timeoutMs: 250 } });
    api.script('hang');
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'timeout', message: `Anthropic did not answer within 250 ms (${api.url})` });
    api.script({ status: 200, text: 'upstream connect error or disconnect/reset before headers' });
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'malformed' });
    api.script({ status: 200, json: { id: 'msg_1', type: 'message', role: 'assistant', content: 'not a list' } });
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'malformed' });
    api.script({ status: 200, json: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [], stop_reason: 'refusal', usage: { input_tokens: 1, output_tokens: 0 } } });
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'rejected', message: "Anthropic's model declined to answer for this image" });
  });

  it('declares no embeddings', async () => {
    const { provider } = await setup();
    expect([...provider.capabilities].sort()).toEqual(['describe', 'recognise-text', 'tag']);
    expect(provider.embed).toBeUndefined();
  });
});
