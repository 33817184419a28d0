import type * as AnthropicSdk from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { AiCapability, AnalysisImage, ModelRef, Recognition, SuggestedTag } from '../../../contract/analysis.js';
import type { AiProvider, TagContext } from '../ai-provider.js';
import { REMOTE_PROVIDERS } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';
import { callRemote, type RemoteProviderOptions } from './remote-call.js';
import { DESCRIBE_PROMPT, descriptionFromReply, imageBase64, recognitionFromTranscript, remoteModelRef, tagPrompt, tagsFromReply, TRANSCRIBE_PROMPT } from './vision-prompts.js';

// Types only: the SDK itself is imported when the first request is made.
type AnthropicModule = typeof AnthropicSdk;

/**
 * Anthropic's Messages API through the official SDK, loaded only when a request is made. Reads
 * text, tags and describes; Anthropic offers no embeddings.
 */
export function createAnthropicProvider(options: RemoteProviderOptions): AiProvider {
  const definition = REMOTE_PROVIDERS.anthropic;
  let sdk: Promise<AnthropicModule> | null = null;
  const loadSdk = () => (sdk ??= import('@anthropic-ai/sdk'));

  async function message(capability: AiCapability, image: AnalysisImage, prompt: string, maxTokens: number, signal: AbortSignal): Promise<{ text: string; model: ModelRef }> {
    const module = await loadSdk();
    return callRemote(options, { provider: 'anthropic', capability, signal, sdk: module, model: (endpoint) => endpoint.model }, async (session) => {
      const client = new module.Anthropic({
        apiKey: session.apiKey,
        baseURL: session.access.endpoint.baseUrl,
        timeout: session.access.limits.timeoutMs,
        maxRetries: session.access.limits.maxRetries,
        fetch: session.fetch,
        // No spans and no trace headers leave with the request; no request is logged.
        openTelemetry: false,
        logLevel: 'off',
      });
      const model = session.access.endpoint.model;
      const reply = await client.messages.create(
        {
          model,
          max_tokens: maxTokens,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'image', source: { type: 'base64', media_type: image.encoded.mime, data: imageBase64(image) } },
                { type: 'text', text: prompt },
              ],
            },
          ],
        },
        { signal: session.signal },
      );
      return { text: messageText(reply), model: remoteModelRef('anthropic', model, (reply as { model?: unknown }).model) };
    });
  }

  return {
    id: definition.id,
    capabilities: definition.capabilities,

    async recogniseText(image: AnalysisImage, signal: AbortSignal): Promise<Recognition> {
      const reply = await message('recognise-text', image, TRANSCRIBE_PROMPT, 4096, signal);
      return recognitionFromTranscript(reply.text, image, reply.model);
    },

    async tag(image: AnalysisImage, context: TagContext, signal: AbortSignal): Promise<SuggestedTag[]> {
      const reply = await message('tag', image, tagPrompt(context), 200, signal);
      return tagsFromReply('anthropic', reply.text, reply.model);
    },

    async describe(image: AnalysisImage, signal: AbortSignal): Promise<{ text: string; model: ModelRef }> {
      const reply = await message('describe', image, DESCRIBE_PROMPT, 200, signal);
      return { text: descriptionFromReply('anthropic', reply.text), model: reply.model };
    },
  };
}

const messageSchema = z.object({
  content: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullable().optional(),
});

/** The text blocks joined; a refusal, or a reply of the wrong shape, is an error rather than empty text. */
function messageText(reply: unknown): string {
  const parsed = messageSchema.safeParse(reply);
  if (!parsed.success) throw new ProviderError('malformed', 'anthropic', `Anthropic sent a reply ClipShot could not read (${parsed.error.issues[0]?.path.join('.') || 'reply'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`);
  if (parsed.data.stop_reason === 'refusal') throw new ProviderError('rejected', 'anthropic', "Anthropic's model declined to answer for this image");
  const texts = parsed.data.content.filter((block) => block.type === 'text' && typeof block.text === 'string').map((block) => block.text!);
  // A model asked to transcribe an image without text may rightly say nothing at all.
  if (texts.length === 0 && parsed.data.stop_reason === 'end_turn') return '';
  if (texts.length === 0) throw new ProviderError('malformed', 'anthropic', 'Anthropic sent a reply with no text in it');
  return texts.join('');
}
