import type * as OpenAiSdk from 'openai';
import { z } from 'zod';
import type { AiCapability, AnalysisImage, ModelRef, Recognition, SuggestedTag } from '../../../contract/analysis.js';
import type { AiProvider, TagContext } from '../ai-provider.js';
import { REMOTE_PROVIDERS } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';
import type { ProviderEndpoint } from './provider-settings.js';
import { callRemote, type RemoteProviderOptions, type RemoteSession } from './remote-call.js';
import { DESCRIBE_PROMPT, descriptionFromReply, imageBase64, recognitionFromTranscript, remoteModelRef, tagPrompt, tagsFromReply, TRANSCRIBE_PROMPT } from './vision-prompts.js';

// Types only: the SDK itself is imported when the first request is made.
type OpenAiModule = typeof OpenAiSdk;

/** At most this many texts go in one embeddings request; longer lists are sent in several. */
const EMBED_BATCH = 256;

/**
 * OpenAI (or any server speaking its Chat Completions and Embeddings API) through the official
 * SDK, which is loaded only when a request is made.
 */
export function createOpenAiProvider(options: RemoteProviderOptions): AiProvider {
  const definition = REMOTE_PROVIDERS.openai;
  let sdk: Promise<OpenAiModule> | null = null;
  const loadSdk = () => (sdk ??= import('openai'));

  async function run<T>(capability: AiCapability, signal: AbortSignal, model: (endpoint: ProviderEndpoint) => string, work: (client: InstanceType<OpenAiModule['OpenAI']>, session: RemoteSession) => Promise<T>): Promise<T> {
    const module = await loadSdk();
    return callRemote(options, { provider: 'openai', capability, signal, sdk: module, model }, (session) => {
      const client = new module.OpenAI({
        apiKey: session.apiKey,
        baseURL: session.access.endpoint.baseUrl,
        // Named explicitly so that OPENAI_ORG_ID and friends in the environment add nothing.
        organization: null,
        project: null,
        timeout: session.access.limits.timeoutMs,
        maxRetries: session.access.limits.maxRetries,
        fetch: session.fetch,
        // The SDK's debug log prints requests; nothing about a request is logged from here.
        logLevel: 'off',
      });
      return work(client, session);
    });
  }

  async function chat(capability: AiCapability, image: AnalysisImage, prompt: string, detail: 'low' | 'high', maxTokens: number, signal: AbortSignal, json = false): Promise<{ text: string; model: ModelRef }> {
    return run(capability, signal, (endpoint) => endpoint.model, async (client, session) => {
      const model = session.access.endpoint.model;
      const completion = await client.chat.completions.create(
        {
          model,
          max_completion_tokens: maxTokens,
          ...(json ? { response_format: { type: 'json_object' as const } } : {}),
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image_url', image_url: { url: `data:${image.encoded.mime};base64,${imageBase64(image)}`, detail } },
                { type: 'text', text: prompt },
              ],
            },
          ],
        },
        { signal: session.signal },
      );
      return { text: chatReply(completion), model: remoteModelRef('openai', model, (completion as { model?: unknown }).model) };
    });
  }

  return {
    id: definition.id,
    capabilities: definition.capabilities,

    async recogniseText(image: AnalysisImage, signal: AbortSignal): Promise<Recognition> {
      const reply = await chat('recognise-text', image, TRANSCRIBE_PROMPT, 'high', 4096, signal);
      return recognitionFromTranscript(reply.text, image, reply.model);
    },

    async tag(image: AnalysisImage, context: TagContext, signal: AbortSignal): Promise<SuggestedTag[]> {
      const reply = await chat('tag', image, tagPrompt(context), 'low', 200, signal, true);
      return tagsFromReply('openai', reply.text, reply.model);
    },

    async describe(image: AnalysisImage, signal: AbortSignal): Promise<{ text: string; model: ModelRef }> {
      const reply = await chat('describe', image, DESCRIBE_PROMPT, 'low', 200, signal);
      return { text: descriptionFromReply('openai', reply.text), model: reply.model };
    },

    async embed(inputs: readonly (AnalysisImage | string)[], signal: AbortSignal): Promise<{ vectors: Float32Array[]; model: ModelRef }> {
      const texts = inputs.map((input, index) => {
        if (typeof input !== 'string') throw new ProviderError('unsupported', 'openai', `OpenAI embeds text only in ClipShot; input ${index} is an image`);
        if (input.trim() === '') throw new ProviderError('unsupported', 'openai', `OpenAI cannot embed empty text (input ${index})`);
        return input;
      });
      const fallback = REMOTE_PROVIDERS.openai.defaultEmbeddingModel!;
      // Nothing to send still answers only while the provider is allowed to.
      const configured = options.access().endpoint.embeddingModel ?? fallback;
      let model: ModelRef = { id: `openai:${configured}`, version: configured };
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += EMBED_BATCH) {
        const batch = texts.slice(start, start + EMBED_BATCH);
        const result = await run('embed', signal, (endpoint) => endpoint.embeddingModel ?? fallback, async (client, session) => {
          const embeddingModel = session.access.endpoint.embeddingModel ?? fallback;
          const response = await client.embeddings.create({ model: embeddingModel, input: batch, encoding_format: 'float' }, { signal: session.signal });
          return { vectors: embeddingsFromReply(response, batch.length), model: remoteModelRef('openai', embeddingModel, (response as { model?: unknown }).model) };
        });
        vectors.push(...result.vectors);
        model = result.model;
      }
      return { vectors, model };
    },
  };
}

const chatReplySchema = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }), finish_reason: z.string().nullable().optional() }))
    .min(1),
});

/** The first choice's text; a refusal or a reply of the wrong shape is an error, not an empty result. */
function chatReply(completion: unknown): string {
  const parsed = chatReplySchema.safeParse(completion);
  if (!parsed.success) throw new ProviderError('malformed', 'openai', `OpenAI sent a reply ClipShot could not read (${parsed.error.issues[0]?.path.join('.') || 'reply'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const message = parsed.data.choices[0]!.message;
  if (message.refusal) throw new ProviderError('rejected', 'openai', `OpenAI's model declined: ${message.refusal.slice(0, 200)}`);
  if (typeof message.content !== 'string') throw new ProviderError('malformed', 'openai', 'OpenAI sent a reply with no text in it');
  return message.content;
}

const embeddingsSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()).min(1) })),
});

/** Vectors in input order, L2-normalised, all of one length, one per input. */
function embeddingsFromReply(response: unknown, count: number): Float32Array[] {
  const parsed = embeddingsSchema.safeParse(response);
  if (!parsed.success) throw new ProviderError('malformed', 'openai', `OpenAI sent embeddings ClipShot could not read (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const rows = [...parsed.data.data].sort((a, b) => a.index - b.index);
  if (rows.length !== count || rows.some((row, i) => row.index !== i)) throw new ProviderError('malformed', 'openai', `OpenAI sent ${rows.length} embeddings for ${count} texts`);
  const length = rows[0]!.embedding.length;
  if (rows.some((row) => row.embedding.length !== length)) throw new ProviderError('malformed', 'openai', 'OpenAI sent embeddings of different lengths');
  return rows.map((row) => normalise(row.embedding));
}

function normalise(values: readonly number[]): Float32Array {
  let sum = 0;
  for (const value of values) sum += value * value;
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new ProviderError('malformed', 'openai', 'OpenAI sent an embedding of zero length');
  return Float32Array.from(values, (value) => value / norm);
}
