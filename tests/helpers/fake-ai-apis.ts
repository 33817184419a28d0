// Loopback HTTP servers that speak the parts of the OpenAI and Anthropic APIs ClipShot uses, with
// their JSON shapes, status codes, headers and error bodies, so the official SDKs run unchanged
// against them. The "model" is the test's answer function; everything around it is the API.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnalysisImage } from '../../contract/analysis.js';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** The parsed body, or undefined when it was not JSON. */
  readonly json: unknown;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
}

/** What a vision request asked: the prompt and the image, decoded from the request body. */
export interface VisionTurn {
  readonly model: string;
  readonly prompt: string;
  readonly image: { readonly mime: string; readonly bytes: Buffer } | null;
}

/** Replaces the API's normal answer for one request (after the key was checked). */
export type ScriptedReply = { readonly status: number; readonly json?: unknown; readonly text?: string; readonly headers?: Record<string, string> } | 'hang';

export interface FakeApi {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The next requests get these replies, in order, instead of the usual answer. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

interface FakeApiOptions {
  readonly apiKey: string;
  readonly answer?: (turn: VisionTurn) => string;
}

type Route = (request: RecordedRequest) => ScriptedReply;

async function startFakeApi(authorised: (request: RecordedRequest) => ScriptedReply | null, route: Route): Promise<FakeApi> {
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedReply[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, text, json, receivedAt: performance.now() };
      requests.push(recorded);
      const reply = authorised(recorded) ?? scripted.shift() ?? route(recorded);
      if (reply === 'hang') return;
      const body = reply.text ?? JSON.stringify(reply.json ?? {});
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...replies) => scripted.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// OpenAI: POST /v1/chat/completions, POST /v1/embeddings

export function openAiError(status: number, type: string, message: string, code: string | null = null, headers: Record<string, string> = {}): ScriptedReply {
  return { status, headers: { 'x-request-id': requestId('req_'), ...headers }, json: { error: { message, type, param: null, code } } };
}

/** A made-up embedding for a text: deterministic, not normalised (so the client's normalising shows). */
export function fakeEmbedding(text: string, dimensions = 8): number[] {
  return Array.from({ length: dimensions }, (_, i) => ((text.charCodeAt(i % text.length) * (i + 3)) % 17) - 8 + 0.5);
}

export function startFakeOpenAi(options: FakeApiOptions): Promise<FakeApi> {
  const answer = options.answer ?? (() => 'hello from the fake model');
  return startFakeApi(
    (request) => {
      const header = request.headers.authorization;
      if (header === `Bearer ${options.apiKey}`) return null;
      const given = typeof header === 'string' ? header.replace(/^Bearer /, '') : '';
      // The real service names the key it was given (partly masked); this one echoes it whole, so a leak would show.
      return openAiError(401, 'invalid_request_error', `Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_api_key');
    },
    (request) => {
      if (request.method === 'POST' && request.path === '/v1/chat/completions') return chatCompletion(request, answer);
      if (request.method === 'POST' && request.path === '/v1/embeddings') return embeddings(request);
      return openAiError(404, 'invalid_request_error', `Invalid URL (${request.method} ${request.path})`);
    },
  );
}

function chatCompletion(request: RecordedRequest, answer: (turn: VisionTurn) => string): ScriptedReply {
  const body = request.json as { model?: unknown; messages?: unknown; max_completion_tokens?: unknown } | undefined;
  if (!body || typeof body.model !== 'string') return openAiError(400, 'invalid_request_error', "you must provide a model parameter");
  if (!Array.isArray(body.messages) || body.messages.length === 0) return openAiError(400, 'invalid_request_error', "'messages' must be a non-empty array");
  const last = body.messages.at(-1) as { role?: unknown; content?: unknown };
  if (last.role !== 'user') return openAiError(400, 'invalid_request_error', 'the last message must come from the user');
  let prompt = '';
  let image: VisionTurn['image'] = null;
  const parts = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
  if (!Array.isArray(parts)) return openAiError(400, 'invalid_request_error', "Invalid type for 'messages[0].content'");
  for (const part of parts as { type?: unknown; text?: unknown; image_url?: { url?: unknown } }[]) {
    if (part.type === 'text' && typeof part.text === 'string') prompt += part.text;
    else if (part.type === 'image_url' && typeof part.image_url?.url === 'string') {
      const match = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/=]+)$/.exec(part.image_url.url);
      if (!match) return openAiError(400, 'invalid_request_error', 'Invalid image URL: expected a base64-encoded data URL with an image MIME type', 'invalid_image_url');
      image = { mime: match[1]!, bytes: Buffer.from(match[2]!, 'base64') };
    } else return openAiError(400, 'invalid_request_error', `Invalid content part type: ${String(part.type)}`);
  }
  const content = answer({ model: body.model, prompt, image });
  return {
    status: 200,
    headers: { 'x-request-id': requestId('req_'), 'openai-processing-ms': '412', 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '499' },
    json: {
      id: requestId('chatcmpl-'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: `${body.model}-2024-07-18`,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 850, completion_tokens: content.length, total_tokens: 850 + content.length },
      system_fingerprint: 'fp_fake',
    },
  };
}

function embeddings(request: RecordedRequest): ScriptedReply {
  const body = request.json as { model?: unknown; input?: unknown; encoding_format?: unknown } | undefined;
  if (!body || typeof body.model !== 'string') return openAiError(400, 'invalid_request_error', 'you must provide a model parameter');
  const inputs = typeof body.input === 'string' ? [body.input] : body.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((input) => typeof input !== 'string' || input === '')) {
    return openAiError(400, 'invalid_request_error', "'$.input' is invalid. Please check the API reference");
  }
  const asBase64 = body.encoding_format === 'base64';
  return {
    status: 200,
    headers: { 'x-request-id': requestId('req_') },
    json: {
      object: 'list',
      data: (inputs as string[]).map((text, index) => {
        const vector = fakeEmbedding(text);
        return { object: 'embedding', index, embedding: asBase64 ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector };
      }),
      model: body.model,
      usage: { prompt_tokens: 8, total_tokens: 8 },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Anthropic: POST /v1/messages

export function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}): ScriptedReply {
  const id = requestId('req_');
  return { status, headers: { 'request-id': id, ...headers }, json: { type: 'error', error: { type, message }, request_id: id } };
}

export function startFakeAnthropic(options: FakeApiOptions): Promise<FakeApi> {
  const answer = options.answer ?? (() => 'hello from the fake model');
  return startFakeApi(
    (request) => {
      // The API takes the key as x-api-key; the SDK may send it as a bearer token instead.
      const bearer = request.headers.authorization;
      if (request.headers['x-api-key'] === options.apiKey || bearer === `Bearer ${options.apiKey}`) return null;
      return anthropicError(401, 'authentication_error', 'invalid x-api-key');
    },
    (request) => {
      if (request.method !== 'POST' || request.path !== '/v1/messages') return anthropicError(404, 'not_found_error', 'Not found');
      if (typeof request.headers['anthropic-version'] !== 'string') return anthropicError(400, 'invalid_request_error', 'anthropic-version: header is required');
      return message(request, answer);
    },
  );
}

function message(request: RecordedRequest, answer: (turn: VisionTurn) => string): ScriptedReply {
  const body = request.json as { model?: unknown; max_tokens?: unknown; messages?: unknown } | undefined;
  if (!body) return anthropicError(400, 'invalid_request_error', 'There was an error parsing the body of your request');
  if (typeof body.model !== 'string') return anthropicError(400, 'invalid_request_error', 'model: Field required');
  if (typeof body.max_tokens !== 'number' || body.max_tokens < 1) return anthropicError(400, 'invalid_request_error', 'max_tokens: Field required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return anthropicError(400, 'invalid_request_error', 'messages: at least one message is required');
  const last = body.messages.at(-1) as { role?: unknown; content?: unknown };
  const parts = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
  if (last.role !== 'user' || !Array.isArray(parts)) return anthropicError(400, 'invalid_request_error', 'messages: the last message must be a user message');
  let prompt = '';
  let image: VisionTurn['image'] = null;
  for (const part of parts as { type?: unknown; text?: unknown; source?: { type?: unknown; media_type?: unknown; data?: unknown } }[]) {
    if (part.type === 'text' && typeof part.text === 'string') prompt += part.text;
    else if (part.type === 'image' && part.source?.type === 'base64' && typeof part.source.data === 'string' && /^image\/(png|jpeg|gif|webp)$/.test(String(part.source.media_type))) {
      image = { mime: String(part.source.media_type), bytes: Buffer.from(part.source.data, 'base64') };
    } else return anthropicError(400, 'invalid_request_error', `messages.0.content: unexpected block ${JSON.stringify(part.type)}`);
  }
  const text = answer({ model: body.model, prompt, image });
  return {
    status: 200,
    headers: { 'request-id': requestId('req_'), 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '49' },
    json: {
      id: requestId('msg_'),
      type: 'message',
      role: 'assistant',
      model: `${body.model}-20251001`,
      content: text === '' ? [] : [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 900, output_tokens: Math.max(1, Math.ceil(text.length / 4)) },
    },
  };
}

function requestId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** A small real PNG (a gradient) as the analysis worker would hand it over: pixels and encoded bytes. */
export async function makeTestImage(width = 48, height = 24): Promise<AnalysisImage> {
  const { default: sharp } = await import('sharp');
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i += 1) {
    rgb[i * 3] = (i * 7) % 256;
    rgb[i * 3 + 1] = (i * 13) % 256;
    rgb[i * 3 + 2] = 200;
  }
  const png = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { width, height, rgb, encoded: { bytes: new Uint8Array(png), mime: 'image/png' } };
}
