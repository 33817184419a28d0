import { MarketplaceError } from './marketplace-errors.js';
import { normaliseRegistryUrl } from './registry-settings.js';

export interface RegistryClientOptions {
  /** Any npm-compatible registry, e.g. https://registry.npmjs.org or a Verdaccio. */
  url: string;
  /** For each request, connecting and reading included. */
  timeoutMs?: number;
  /** Sent as a bearer token (needed to publish; private registries may want it to read). */
  token?: string;
  fetch?: typeof fetch;
}

const MAX_JSON_BYTES = 32 * 1024 * 1024;

/**
 * The few registry requests plugins need, over real HTTP, each with a timeout and a size bound,
 * every failure turned into a MarketplaceError that names the registry and what was asked.
 */
export class RegistryClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly token: string | undefined;
  private readonly fetchImpl: typeof fetch;

  constructor(options: RegistryClientOptions) {
    this.url = normaliseRegistryUrl(options.url);
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.token = options.token;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** `/<name>` with a scope's slash encoded, as registries expect. */
  packagePath(packageName: string): string {
    return `/${packageName.startsWith('@') ? `@${encodeURIComponent(packageName.slice(1))}` : encodeURIComponent(packageName)}`;
  }

  async getJson(pathAndQuery: string, what: string): Promise<unknown> {
    const bytes = await this.request(`${this.url}${pathAndQuery}`, what, { method: 'GET', headers: { accept: 'application/json' } }, MAX_JSON_BYTES);
    return parseJson(bytes, what, this.url);
  }

  /** `onBytes` hears how much has arrived (and the size, when the registry says it) as the body comes in. */
  async getBytes(url: string, what: string, maxBytes: number, onBytes?: (received: number, total: number | null) => void): Promise<Uint8Array> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new MarketplaceError('bad-response', `the registry ${this.url} gave ${JSON.stringify(url)} as the address of ${what}, which is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new MarketplaceError('bad-response', `the registry ${this.url} gave a non-http(s) address for ${what}: ${url}`);
    return this.request(url, what, { method: 'GET' }, maxBytes, onBytes);
  }

  async putJson(pathAndQuery: string, body: unknown, what: string): Promise<unknown> {
    const bytes = await this.request(`${this.url}${pathAndQuery}`, what, { method: 'PUT', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) }, MAX_JSON_BYTES);
    return bytes.byteLength === 0 ? null : parseJson(bytes, what, this.url);
  }

  private async request(url: string, what: string, init: RequestInit, maxBytes: number, onBytes?: (received: number, total: number | null) => void): Promise<Uint8Array> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const headers = new Headers(init.headers);
    if (this.token) headers.set('authorization', `Bearer ${this.token}`);
    let response: Response;
    try {
      response = await this.fetchImpl(url, { ...init, headers, signal, redirect: 'follow' });
    } catch (error) {
      throw this.failure(error, what);
    }
    if (!response.ok) {
      const detail = await response.text().then((text) => registryMessage(text), () => '');
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 404) throw new MarketplaceError('not-found', `${what}: not found in the registry ${this.url}`, 404);
      if (response.status === 401 || response.status === 403) throw new MarketplaceError('unauthorized', `${what}: the registry ${this.url} refused (${response.status}${detail ? `: ${detail}` : ''}); check the token`, response.status);
      throw new MarketplaceError('http', `${what}: the registry ${this.url} answered ${response.status} ${response.statusText}${detail ? ` (${detail})` : ''}`, response.status);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new MarketplaceError('too-large', `${what} from ${this.url} is ${declared} bytes, over the ${maxBytes}-byte limit`);
    }
    try {
      return await readBounded(response, maxBytes, what, this.url, (received) => onBytes?.(received, Number.isFinite(declared) && declared > 0 ? declared : null));
    } catch (error) {
      if (error instanceof MarketplaceError) throw error;
      throw this.failure(error, what);
    }
  }

  private failure(error: unknown, what: string): MarketplaceError {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return new MarketplaceError('timeout', `${what}: the registry ${this.url} did not answer within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`}`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    return new MarketplaceError('unreachable', `${what}: cannot reach the registry ${this.url} (${reason})`);
  }
}

async function readBounded(response: Response, maxBytes: number, what: string, registry: string, onBytes: (received: number) => void): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new MarketplaceError('too-large', `${what} from ${registry} is over the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
    onBytes(total);
  }
  return Buffer.concat(chunks);
}

function parseJson(bytes: Uint8Array, what: string, registry: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new MarketplaceError('bad-response', `${what}: the registry ${registry} answered with something that is not JSON`);
  }
}

/** The `error` or `reason` a registry puts in its JSON error bodies, short. */
function registryMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; reason?: unknown; message?: unknown };
    const message = [body.error, body.reason, body.message].find((value) => typeof value === 'string');
    return typeof message === 'string' ? message.slice(0, 200) : '';
  } catch {
    return '';
  }
}
