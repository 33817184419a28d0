// A remote AI provider's own rate limit (its settings: requests a minute and burst), through the
// library's registry against a fake OpenAI server on loopback: a call over it fails 'rate-limited'
// with the wait and sends nothing, the trip is audited, and the next call after the wait goes out.
import { afterEach, expect, it } from 'vitest';
import { openLibraryProviderRegistry } from '../../main/ai/providers/library-provider-registry.js';
import type { ProviderError } from '../../main/ai/providers/provider-error.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { startFakeOpenAi } from '../helpers/fake-ai-apis.js';
import { createTestLibrary } from '../helpers/library.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a provider over its own limit fails rate-limited without sending, is audited, and goes out after the wait', async () => {
  const key = 'sk-proj-limits-test-5d1f0c2a77';
  const fake = await startFakeOpenAi({ apiKey: key, answer: () => 'words' });
  cleanups.push(() => fake.close());
  const { library } = await createTestLibrary();
  cleanups.push(() => library.close());
  // Refuse rather than queue, so the test sees the limit itself.
  const registry = openLibraryProviderRegistry(library, { keychain: new MemorySecretStore('keyring'), maxQueueWaitMs: 0 });
  await registry.enable('openai', { apiKey: key, baseUrl: `${fake.url}/v1`, consent: true, limits: { requestsPerMinute: 60, burst: 1, maxRetries: 0, timeoutMs: 5000 } });
  const embed = () => registry.get('openai').embed!(['a few words'], new AbortController().signal);

  // Two at once from a full bucket of one: one goes out, the other is refused, whatever the machine's speed.
  const results = await Promise.allSettled([embed(), embed()]);
  expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  expect(fake.requests).toHaveLength(1);
  const refused = (results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason as ProviderError;
  expect(refused).toMatchObject({ kind: 'rate-limited', message: expect.stringMatching(/^ClipShot keeps OpenAI to 60 requests a minute; the next can go in \d+ (ms|s)$/) as string });
  expect(refused.retryAfterMs).toBeGreaterThan(0);
  expect(refused.retryAfterMs).toBeLessThanOrEqual(1000);
  const sentBefore = fake.requests.length;

  const entries = library.audit.list({ kind: 'rate-limit' }).entries;
  expect(entries).toHaveLength(1);
  expect(entries[0]!.details).toMatchObject({ limit: 'ai-provider', key: 'openai', action: 'refused' });

  await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs! + 20));
  await embed();
  expect(fake.requests.length).toBe(sentBefore + 1);
});
