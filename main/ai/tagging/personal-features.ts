// What the personal tagger learns from about a clip: the words of its title and recognised text,
// its file name, its kind, and the tags other sources suggested for it. Each feature is a short
// prefixed string, present or not (a word said ten times counts once).

export interface PersonalFeatureInput {
  readonly title?: string;
  readonly recognisedText?: string;
  readonly sourceName?: string;
  readonly kind?: string;
  /** Tags the CLIP model and the text tagger suggested: "receipt" from CLIP says a lot. */
  readonly suggestedTags?: readonly string[];
}

/** Beyond this many features a clip says nothing more, and scoring stays fast. */
export const MAX_FEATURES_PER_CLIP = 400;

const AMOUNT = /(?:[€$£¥]\s?\d[\d.,]*\d|\d[\d.,]*[.,]\d{2}\s?(?:€|eur|usd|gbp|chf|\$))/i;
const DATE = /\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b/;
/** Scripts written without spaces: their words are taken as pairs of characters. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const HAS_UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export function personalFeatures(input: PersonalFeatureInput): string[] {
  const features = new Set<string>();
  const add = (feature: string): void => {
    if (features.size < MAX_FEATURES_PER_CLIP) features.add(feature);
  };

  if (input.kind) add(`kind:${input.kind.toLowerCase()}`);
  for (const tag of input.suggestedTags ?? []) add(`tag:${tag.toLowerCase()}`);

  const name = input.sourceName ?? '';
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  if (dot > 0) add(`ext:${base.slice(dot + 1).toLowerCase()}`);
  for (const word of words(dot > 0 ? base.slice(0, dot) : base)) add(`src:${word}`);

  const text = `${input.title ?? ''}\n${input.recognisedText ?? ''}`.slice(0, 50_000);
  if (AMOUNT.test(text)) add('has:amount');
  if (DATE.test(text)) add('has:date');
  for (const word of words(text)) add(`w:${word}`);
  return [...features];
}

function words(text: string): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (const word of lower.match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (/^\p{N}+$/u.test(word)) continue;
    if (HAS_UNSPACED.test(word)) {
      for (const run of word.match(UNSPACED) ?? []) {
        for (let i = 0; i + 1 < run.length; i++) found.push(run.slice(i, i + 2));
      }
      continue;
    }
    if (word.length >= 2 && word.length <= 24) found.push(word);
  }
  return found;
}
