import { z } from 'zod';
import type { AnalysisImage, ModelRef, Recognition, RecognisedLine, SuggestedTag } from '../../../contract/analysis.js';
import type { TagContext } from '../ai-provider.js';
import { REMOTE_PROVIDERS, type RemoteProviderId } from './provider-catalog.js';
import { ProviderError } from './provider-error.js';

// The words sent to a vision model and the reading of what comes back, shared by every remote
// provider so that OpenAI and Anthropic are asked the same things and judged the same way.

export const MAX_TAGS = 5;
/** Recognised text beyond this adds cost and little to tagging. */
const MAX_CONTEXT_TEXT = 2000;

export const TRANSCRIBE_PROMPT = [
  'Transcribe all text visible in this image exactly as written.',
  'Write one line of output for each line of text in the image, in reading order (top to bottom, then left to right).',
  'Output only the text itself: no commentary, no quotation marks, no Markdown.',
  'If the image has no text, output nothing.',
].join(' ');

export const DESCRIBE_PROMPT = 'Describe this image in one plain sentence of at most 25 words, for someone searching their screenshots. Output only the sentence.';

export function tagPrompt(context: TagContext): string {
  const text = context.recognisedText.trim().slice(0, MAX_CONTEXT_TEXT);
  return [
    `Suggest up to ${MAX_TAGS} short tags (one or two lowercase words each) that would help someone find this image among their screenshots and clips, best first.`,
    `Answer with JSON only, exactly in this shape: {"tags": ["first", "second"]}.`,
    `Kind of clip: ${context.kind || 'unknown'}. File name: ${context.sourceName || 'unknown'}.`,
    text ? `Text recognised in the image:\n${text}` : 'No text was recognised in the image.',
  ].join('\n');
}

/** What a provider's model reference looks like: the id names the service and model, the version what the service says it ran. */
export function remoteModelRef(provider: RemoteProviderId, requested: string, served: unknown): ModelRef {
  return { id: `${provider}:${requested}`, version: typeof served === 'string' && served !== '' ? served : requested };
}

/** The service returns no per-line score: a line it transcribed is reported as certain. */
const REMOTE_LINE_CONFIDENCE = 1;

/**
 * A transcription as a Recognition. Remote models give no positions, so each line's box is the
 * whole image: a viewer can still list and copy the lines, it just cannot place them.
 */
export function recognitionFromTranscript(transcript: string, image: AnalysisImage, model: ModelRef): Recognition {
  const { width, height } = image;
  const box: RecognisedLine['box'] = [[0, 0], [width, 0], [width, height], [0, height]];
  const lines = stripFence(transcript)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((text): RecognisedLine => ({ text, confidence: REMOTE_LINE_CONFIDENCE, box }));
  return { lines, text: lines.map((line) => line.text).join('\n'), model, width, height };
}

const tagReplySchema = z.union([z.strictObject({ tags: z.array(z.string()).max(50) }), z.array(z.string()).max(50)]);

/** Tags from the model's JSON: checked with zod, cleaned, de-duplicated, the first five, scored by rank. */
export function tagsFromReply(provider: RemoteProviderId, reply: string, model: ModelRef): SuggestedTag[] {
  const name = REMOTE_PROVIDERS[provider].name;
  const json = parseJsonAnswer(reply);
  if (json === undefined) throw new ProviderError('malformed', provider, `${name} answered the tag request with something other than JSON`);
  const parsed = tagReplySchema.safeParse(json);
  if (!parsed.success) throw new ProviderError('malformed', provider, `${name} answered the tag request with JSON of the wrong shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.tags;
  const tags = [...new Set(list.map(cleanTag).filter((tag) => tag !== ''))].slice(0, MAX_TAGS);
  // No scores come back, only an order: the first is the model's best guess.
  return tags.map((tag, rank) => ({ tag, score: (MAX_TAGS - rank) / MAX_TAGS, source: 'remote', model }));
}

export function descriptionFromReply(provider: RemoteProviderId, reply: string): string {
  const text = stripFence(reply).replace(/\s+/g, ' ').trim().replace(/^"(.*)"$/, '$1');
  if (text === '') throw new ProviderError('malformed', provider, `${REMOTE_PROVIDERS[provider].name} sent an empty description`);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/**
 * The JSON in a model's answer: the whole answer, the inside of a code fence, or the outermost
 * {…} when the model put a sentence around it (models without a JSON mode often do).
 */
function parseJsonAnswer(reply: string): unknown {
  const candidates = [stripFence(reply)];
  const first = reply.indexOf('{');
  const last = reply.lastIndexOf('}');
  if (first !== -1 && last > first) candidates.push(reply.slice(first, last + 1));
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

function cleanTag(tag: string): string {
  return tag.trim().replace(/^#+/, '').replace(/\s+/g, ' ').toLowerCase().slice(0, 40).trim();
}

/** Models sometimes wrap an answer in a Markdown code fence despite being asked not to. */
function stripFence(text: string): string {
  const fenced = /^\s*```[\w-]*\r?\n([\s\S]*?)\r?\n?```\s*$/.exec(text);
  return fenced ? fenced[1]! : text;
}

/** The encoded image as base64, which both APIs take inline. */
export function imageBase64(image: AnalysisImage): string {
  return Buffer.from(image.encoded.bytes.buffer, image.encoded.bytes.byteOffset, image.encoded.bytes.byteLength).toString('base64');
}
