// Turns CLIP similarities into suggested tags under the vocabulary's rules: a softmax over every
// label, broader tags collecting the probability of the labels that imply them, per-tag
// thresholds, excluded labels dropped, and only the best few kept.
import { normalizeTagInput } from '../../../contract/clip-rules.js';
import type { LabelDefinition } from './vocabulary.js';
import { TaggingError } from './tagging-errors.js';

/** CLIP's trained logit scale (its temperature's inverse); training clamps it at 100. */
export const CLIP_LOGIT_SCALE = 100;
export const DEFAULT_MAX_TAGS = 5;
const PRIORITY_STEP = 0.25;

interface TagRule {
  readonly tag: string;
  readonly threshold: number;
  readonly priority: number;
  readonly exclude: boolean;
}

export interface CompiledVocabulary {
  /** Labels with prompts, in the order of the similarity vector `scoreLabels` takes. */
  readonly labels: readonly { readonly tag: string; readonly prompts: readonly string[] }[];
  /** Every prompt of every label, each once. */
  readonly prompts: readonly string[];
  /** For each label (same order), the indexes of the tags it adds probability to: itself and all it implies. */
  readonly reaches: readonly (readonly number[])[];
  readonly rules: readonly TagRule[];
}

/** Checks a vocabulary and works out each label's implications once, so tagging is a few loops. */
export function compileVocabulary(definitions: readonly LabelDefinition[]): CompiledVocabulary {
  const index = new Map<string, number>();
  definitions.forEach((definition, i) => {
    const checked = normalizeTagInput(definition.tag);
    if (!checked.ok || checked.value !== definition.tag) throw bad(`label ${JSON.stringify(definition.tag)} is not a valid tag`);
    if (index.has(definition.tag)) throw bad(`label ${definition.tag} is defined twice`);
    if (!(definition.threshold >= 0 && definition.threshold <= 1)) throw bad(`label ${definition.tag} has a threshold outside 0..1`);
    if (definition.prompts.some((prompt) => prompt.trim() === '')) throw bad(`label ${definition.tag} has an empty prompt`);
    index.set(definition.tag, i);
  });
  for (const definition of definitions) {
    for (const implied of definition.implies ?? []) {
      if (!index.has(implied)) throw bad(`label ${definition.tag} implies ${implied}, which the vocabulary does not define`);
    }
  }

  const closure = (start: number): number[] => {
    const seen = new Set<number>([start]);
    const visit = (i: number, path: readonly string[]): void => {
      for (const implied of definitions[i]?.implies ?? []) {
        const j = index.get(implied) ?? -1;
        if (j === start || path.includes(implied)) throw bad(`labels imply each other in a circle: ${[...path, implied].join(' → ')}`);
        seen.add(j);
        visit(j, [...path, implied]);
      }
    };
    visit(start, [definitions[start]?.tag ?? '']);
    return [...seen];
  };

  const labels: { tag: string; prompts: readonly string[] }[] = [];
  const reaches: number[][] = [];
  definitions.forEach((definition, i) => {
    if (definition.prompts.length === 0) return;
    labels.push({ tag: definition.tag, prompts: definition.prompts });
    reaches.push(closure(i));
  });
  if (labels.length < 2) throw bad('a vocabulary needs at least two labels with prompts to choose between');
  return {
    labels,
    prompts: [...new Set(labels.flatMap((label) => label.prompts))],
    reaches,
    rules: definitions.map((d) => ({ tag: d.tag, threshold: d.threshold, priority: d.priority ?? 0, exclude: d.exclude === true })),
  };
}

export interface ScoredTag {
  readonly tag: string;
  /** Probability, 0..1. */
  readonly score: number;
}

/**
 * The suggested tags for one image, best first, given its cosine similarity with each label.
 * `logitScale` sharpens the softmax the way CLIP's own training did.
 */
export function scoreLabels(
  vocabulary: CompiledVocabulary,
  similarities: ArrayLike<number>,
  options: { logitScale?: number; maxTags?: number } = {},
): ScoredTag[] {
  const { labels, reaches, rules } = vocabulary;
  if (similarities.length !== labels.length) throw new RangeError(`expected ${labels.length} similarities, got ${similarities.length}`);
  const scale = options.logitScale ?? CLIP_LOGIT_SCALE;
  const maxTags = options.maxTags ?? DEFAULT_MAX_TAGS;

  let max = -Infinity;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, scale * (similarities[i] ?? 0));
  const probabilities = new Float64Array(labels.length);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    probabilities[i] = Math.exp(scale * (similarities[i] ?? 0) - max);
    sum += probabilities[i] ?? 0;
  }

  const tagScores = new Float64Array(rules.length);
  for (let i = 0; i < labels.length; i++) {
    const p = (probabilities[i] ?? 0) / sum;
    for (const t of reaches[i] ?? []) tagScores[t] = (tagScores[t] ?? 0) + p;
  }

  const chosen: (ScoredTag & { priority: number })[] = [];
  rules.forEach((rule, t) => {
    const score = Math.min(1, tagScores[t] ?? 0);
    if (!rule.exclude && score > 0 && score >= rule.threshold) chosen.push({ tag: rule.tag, score, priority: rule.priority });
  });
  // Priority orders, it does not score: each step weighs a tag a quarter more or less when
  // ranking, so "receipt" goes before the "document" it implies (whose summed score is higher).
  const rank = (tag: { score: number; priority: number }): number => tag.score * Math.max(0.1, 1 + PRIORITY_STEP * tag.priority);
  chosen.sort((a, b) => rank(b) - rank(a) || b.score - a.score || a.tag.localeCompare(b.tag));
  return chosen.slice(0, maxTags).map(({ tag, score }) => ({ tag, score }));
}

function bad(message: string): TaggingError {
  return new TaggingError(`the tagging vocabulary is not valid: ${message}`, 'bad-vocabulary');
}
