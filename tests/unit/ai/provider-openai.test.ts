import { inspect } from 'node:util';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnalysisImage } from '../../../contract/analysis.js';
import { ProviderError } from '../../../main/ai/providers/provider-error.js';
import { createProviderRegistry } from '../../../main/ai/providers/provider-registry.js';
import { MemoryProviderSettingsStore } from '../../../main/ai/providers/provider-settings-store.js';
import type { ProviderLimits } from '../../../main/ai/providers/provider-settings.js';
import type { ProviderRequestReport } from '../../../main/ai/providers/remote-call.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { fakeEmbedding, makeTestImage, openAiError, startFakeOpenAi, type FakeApi, type VisionTurn } from '../../helpers/fake-ai-apis.js';

const KEY = 'sk-proj-test-3f9a1c77e2b94d0a8c61';
const servers: FakeApi[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Setup {
  limits?: Partial<ProviderLimits>;
  answer?: (turn: VisionTurn) => string;
  maxQueueWaitMs?: number;
  onRequest?: (report: ProviderRequestReport) => void;
}

async function setup(options: Setup = {}) {
  const api = await startFakeOpenAi({ apiKey: KEY, ...(options.answer && { answer: options.answer }) });
  servers.push(api);
  const secrets = new MemorySecretStore();
  const reports: ProviderRequestReport[] = [];
  const registry = createProviderRegistry({
    settings: new MemoryProviderSettingsStore(),
    secrets,
    onRequest: options.onRequest ?? ((report) => reports.push(report)),
    ...(options.maxQueueWaitMs !== undefined && { maxQueueWaitMs: options.maxQueueWaitMs }),
  });
  await registry.enable('openai', { apiKey: KEY, baseUrl: `${api.url}/v1`, consent: true, limits: { timeoutMs: 5000, maxRetries: 0, requestsPerMinute: 6000, burst: 10, ...options.limits } });
  return { api, registry, secrets, reports, provider: registry.get('openai'), image: await makeTestImage() };
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

function expectNoKey(error: ProviderError): void {
  for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 }), String(error.stack)]) expect(text).not.toContain(KEY);
}

describe('OpenAI provider against a loopback server speaking its API', () => {
  it('reads text: sends the exact image with the stored key, one line per transcribed line, whole-image boxes', async () => {
    let seen: AnalysisImage['encoded'] | null = null;
    const { api, provider, image, reports } = await setup({
      answer: (turn) => {
        seen = turn.image ? { mime: turn.image.mime as 'image/png', bytes: new Uint8Array(turn.image.bytes) } : null;
        return turn.prompt.startsWith('Transcribe') ? 'Invoice 2041\n\n  Total: 42.00  \n' : 'wrong prompt';
      },
    });
    const recognition = await provider.recogniseText!(image, signal());
    expect(seen).toEqual(image.encoded);
    expect(recognition).toEqual({
      lines: [
        { text: 'Invoice 2041', confidence: 1, box: [[0, 0], [48, 0], [48, 24], [0, 24]] },
        { text: 'Total: 42.00', confidence: 1, box: [[0, 0], [48, 0], [48, 24], [0, 24]] },
      ],
      text: 'Invoice 2041\nTotal: 42.00',
      model: { id: 'openai:gpt-4o-mini', version: 'gpt-4o-mini-2024-07-18' },
      width: 48,
      height: 24,
    });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request!.json).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { detail: 'high' } }, { type: 'text' }] }] });
    expect(reports).toEqual([{ provider: 'openai', capability: 'recognise-text', bytes: Buffer.byteLength(request!.text), host: new URL(api.url).host, model: 'gpt-4o-mini', attempt: 1 }]);
  });

  it('tags: asks for JSON with the recognised text, validates it, cleans and ranks at most five', async () => {
    const { api, provider, image } = await setup({
      answer: () => '```json\n{"tags": ["Receipt", "#finance", "receipt", "  Coffee   Shop ", "invoice", "total", "sixth"]}\n```',
    });
    const tags = await provider.tag!(image, { recognisedText: 'Total: 42.00', kind: 'image', sourceName: 'receipt.png' }, signal());
    const model = { id: 'openai:gpt-4o-mini', version: 'gpt-4o-mini-2024-07-18' };
    expect(tags).toEqual([
      { tag: 'receipt', score: 1, source: 'remote', model },
      { tag: 'finance', score: 0.8, source: 'remote', model },
      { tag: 'coffee shop', score: 0.6, source: 'remote', model },
      { tag: 'invoice', score: 0.4, source: 'remote', model },
      { tag: 'total', score: 0.2, source: 'remote', model },
    ]);
    const body = api.requests[0]!.json as { response_format: unknown; messages: { content: { type: string; text?: string; image_url?: { detail: string } }[] }[] };
    expect(body.response_format).toEqual({ type: 'json_object' });
    const prompt = body.messages[0]!.content.find((part) => part.type === 'text')!.text!;
    expect(prompt).toContain('Total: 42.00');
    expect(prompt).toContain('receipt.png');
    expect(body.messages[0]!.content[0]!.image_url!.detail).toBe('low');
  });

  it('says a tag reply that is not JSON, or JSON of the wrong shape, is malformed', async () => {
    const replies = ['receipt, finance', '{"tags": [1, 2]}', '{"labels": ["a"]}'];
    const { provider, image } = await setup({ answer: () => replies.shift()! });
    const context = { recognisedText: '', kind: 'image', sourceName: 'a.png' };
    expect(await failure(provider.tag!(image, context, signal()))).toMatchObject({ kind: 'malformed', message: 'OpenAI answered the tag request with something other than JSON' });
    expect((await failure(provider.tag!(image, context, signal()))).kind).toBe('malformed');
    expect((await failure(provider.tag!(image, context, signal()))).message).toMatch(/^OpenAI answered the tag request with JSON of the wrong shape/);
  });

  it('describes in one sentence', async () => {
    const { provider, image } = await setup({ answer: (turn) => (turn.prompt.includes('one plain sentence') ? '  A receipt from a coffee shop.\n' : '') });
    expect(await provider.describe!(image, signal())).toEqual({ text: 'A receipt from a coffee shop.', model: { id: 'openai:gpt-4o-mini', version: 'gpt-4o-mini-2024-07-18' } });
  });

  it('embeds text: one unit vector per input, in order; images and empty text are refused without a request', async () => {
    const { api, provider, reports } = await setup();
    const { vectors, model } = await provider.embed!(['alpha', 'beta gamma'], signal());
    expect(model).toEqual({ id: 'openai:text-embedding-3-small', version: 'text-embedding-3-small' });
    expect(vectors).toHaveLength(2);
    ['alpha', 'beta gamma'].forEach((text, i) => {
      const raw = fakeEmbedding(text);
      const norm = Math.hypot(...raw);
      expect([...vectors[i]!].map((value) => Number(value.toFixed(5)))).toEqual(raw.map((value) => Number((value / norm).toFixed(5))));
    });
    expect(api.requests[0]!.json).toEqual({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'], encoding_format: 'float' });
    expect(reports[0]).toMatchObject({ capability: 'embed', model: 'text-embedding-3-small' });

    expect(await failure(provider.embed!([await makeTestImage()], signal()))).toMatchObject({ kind: 'unsupported' });
    expect(await failure(provider.embed!(['fine', '  '], signal()))).toMatchObject({ kind: 'unsupported', message: 'OpenAI cannot embed empty text (input 1)' });
    expect(await provider.embed!([], signal())).toEqual({ vectors: [], model });
    expect(api.requests).toHaveLength(1);
  });

  it('401: says the key was refused, in plain words, without retrying and without the key anywhere', async () => {
    const { api, provider, image, secrets } = await setup({ limits: { maxRetries: 2 } });
    await secrets.set('ai-provider:openai', 'sk-proj-wrong-key-0000000000000000');
    const error = await failure(provider.recogniseText!(image, signal()));
    expect(error).toMatchObject({ kind: 'auth', status: 401, message: 'OpenAI refused the API key (401): check the key in Settings → AI' });
    expect(error.retryable).toBe(false);
    expect(api.requests).toHaveLength(1);
    // The server echoed the wrong key in its body: none of it reaches the error.
    for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 })]) expect(text).not.toContain('sk-proj-wrong-key');
  });

  it("a refused request keeps the service's reason but never the key it quoted", async () => {
    const { api, provider, image } = await setup();
    api.script(openAiError(404, 'invalid_request_error', `The model gpt-4o-mini does not exist or key ${KEY} has no access to it.`, 'model_not_found'));
    const error = await failure(provider.recogniseText!(image, signal()));
    expect(error).toMatchObject({
      kind: 'rejected',
      status: 404,
      message: 'OpenAI has no such model or address (404): The model gpt-4o-mini does not exist or key [key] has no access to it; check the model and base URL in Settings → AI',
    });
    expectNoKey(error);
  });

  it('429 with a long Retry-After: fails at once with the wait, and holds further calls without a request', async () => {
    const { api, provider, image } = await setup({ limits: { maxRetries: 2 }, maxQueueWaitMs: 1000 });
    api.script(openAiError(429, 'requests', 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.', 'rate_limit_exceeded', { 'retry-after': '20' }));
    const started = performance.now();
    const error = await failure(provider.recogniseText!(image, signal()));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 20_000, message: 'OpenAI is rate limiting this key; ClipShot will retry in 20 s' });
    expect(error.retryable).toBe(true);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(api.requests).toHaveLength(1);
    const held = await failure(provider.describe!(image, signal()));
    expect(held.kind).toBe('rate-limited');
    expect(held.retryAfterMs).toBeGreaterThan(15_000);
    expect(held.message).toMatch(/^OpenAI is rate limiting this key; ClipShot will retry in (19|20) s$/);
    expect(api.requests).toHaveLength(1);
  });

  it('429 with a short Retry-After: the SDK waits it out and the retry succeeds', async () => {
    const { api, provider, image } = await setup({ limits: { maxRetries: 2 }, answer: () => 'after the wait' });
    api.script(openAiError(429, 'requests', 'Rate limit reached', 'rate_limit_exceeded', { 'retry-after': '1' }));
    const recognition = await provider.recogniseText!(image, signal());
    expect(recognition.text).toBe('after the wait');
    expect(api.requests).toHaveLength(2);
    expect(api.requests[1]!.receivedAt - api.requests[0]!.receivedAt).toBeGreaterThanOrEqual(900);
  });

  it('429 for an exhausted quota is not retried and says so', async () => {
    const { api, provider, image } = await setup({ limits: { maxRetries: 2 } });
    api.script(openAiError(429, 'insufficient_quota', 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota'));
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'quota', message: 'OpenAI says this key has no quota or credit left (429); check the account\'s billing' });
    expect(api.requests).toHaveLength(1);
  });

  it('500: retried a bounded number of times, then a server error in plain words', async () => {
    const { api, provider, image } = await setup({ limits: { maxRetries: 2 } });
    const serverError = openAiError(500, 'server_error', 'The server had an error while processing your request. Sorry about that!');
    api.script(serverError, serverError, serverError, serverError);
    const error = await failure(provider.recogniseText!(image, signal()));
    expect(error).toMatchObject({ kind: 'server', status: 500, message: 'OpenAI had a server error (500); ClipShot will try again later' });
    expect(api.requests).toHaveLength(3);
  });

  it('times out when the server never answers', async () => {
    const { api, provider, image } = await setup({ limits: { timeoutMs: 300, maxRetries: 0 } });
    api.script('hang');
    const started = performance.now();
    const error = await failure(provider.recogniseText!(image, signal()));
    expect(error).toMatchObject({ kind: 'timeout', message: `OpenAI did not answer within 300 ms (${api.url}/v1)` });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('a reply that is not JSON, or JSON without choices, is malformed', async () => {
    const { api, provider, image } = await setup();
    api.script({ status: 200, text: '{"id": "chatcmpl-1", "object": "chat.completion", "choices": [' });
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'malformed', message: 'OpenAI sent a reply ClipShot could not read (not JSON)' });
    api.script({ status: 200, json: { id: 'chatcmpl-2', object: 'chat.completion', choices: [] } });
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'malformed' });
    api.script({ status: 200, json: { id: 'chatcmpl-3', object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: "I can't help with that." }, finish_reason: 'stop' }] } });
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'rejected', message: "OpenAI's model declined: I can't help with that." });
  });

  it('a closed port: "could not reach …: connection refused"', async () => {
    const port = await closedPort();
    const registry = createProviderRegistry({ settings: new MemoryProviderSettingsStore(), secrets: new MemorySecretStore() });
    await registry.enable('openai', { apiKey: KEY, baseUrl: `http://127.0.0.1:${port}/v1`, consent: true, limits: { maxRetries: 1 } });
    const error = await failure(registry.get('openai').recogniseText!(await makeTestImage(), signal()));
    expect(error).toMatchObject({ kind: 'unreachable', message: `could not reach http://127.0.0.1:${port}/v1: connection refused` });
    expectNoKey(error);
  });

  it('cancelling stops the call at once, even while the server is silent', async () => {
    const { api, provider, image } = await setup({ limits: { timeoutMs: 30_000 } });
    api.script('hang');
    const aborter = new AbortController();
    const pending = provider.recogniseText!(image, aborter.signal);
    await expect.poll(() => api.requests.length).toBe(1);
    const started = performance.now();
    aborter.abort();
    expect(await failure(pending)).toMatchObject({ kind: 'cancelled', message: 'the request to OpenAI was cancelled' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('sends nothing when the request cannot be recorded first', async () => {
    const { api, provider, image } = await setup({
      onRequest: () => {
        throw new Error('audit log is full');
      },
    });
    expect(await failure(provider.recogniseText!(image, signal()))).toMatchObject({ kind: 'failed', message: 'the request to OpenAI was not sent because it could not be recorded: audit log is full' });
    expect(api.requests).toHaveLength(0);
  });

  it('logs nothing, the key least of all, even when the environment asks the SDK to log everything', async () => {
    const written: string[] = [];
    const capture = (...args: unknown[]) => void written.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 10 }))).join(' '));
    const spies = (['log', 'info', 'debug', 'warn', 'error'] as const).map((method) => vi.spyOn(console, method).mockImplementation(capture));
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    vi.stubEnv('OPENAI_LOG', 'debug');
    try {
      const { provider, image, secrets } = await setup({ limits: { maxRetries: 1 } });
      await provider.recogniseText!(image, signal());
      await secrets.set('ai-provider:openai', `${KEY}-rotated`);
      await failure(provider.recogniseText!(image, signal()));
    } finally {
      vi.unstubAllEnvs();
      for (const spy of [...spies, stdout, stderr]) spy.mockRestore();
    }
    // Not a line: the SDK's debug log would show the whole request, image and all (with the key masked).
    expect(written).toEqual([]);
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
