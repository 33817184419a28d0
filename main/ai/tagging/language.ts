// Which language recognised text is in, without a dependency: the writing system settles most
// scripts (kana means Japanese, Han alone Chinese, Cyrillic Russian unless Ukrainian letters
// show), and for Latin text the most common short words of each language are counted. OCR text
// is short and noisy, so the answer is 'und' (undetermined, as BCP 47 has it) whenever the
// evidence is thin or two languages are close.

export interface DetectedLanguage {
  /** An ISO 639-1 code ('en', 'de', …) or 'und'. */
  readonly language: string;
  /**
   * 0..1. For a script that names its language, the script's share of the letters; for Latin
   * text, the winner's share of its and the runner-up's points. 0 for 'und'.
   */
  readonly confidence: number;
}

export const UNDETERMINED: DetectedLanguage = { language: 'und', confidence: 0 };

/** Letters needed before any answer is given. */
const MIN_LETTERS = 12;
/** Latin words needed, and the share of them that must be known common words. */
const MIN_WORDS = 4;
const MIN_STOPWORD_SHARE = 0.12;
/** Different common words needed: code repeats one ("y", "a", "i") as a variable name. */
const MIN_DISTINCT_STOPWORDS = 3;
/** The winner must have this many times the runner-up's points. */
const MIN_MARGIN = 1.5;

const STOPWORDS: Record<string, string> = {
  en: 'the and of to is in that it for you was with on are as this be at have not but from or by they we an which will can your has been would there their what about if when more',
  de: 'der die und das ist nicht sie ich es mit den zu ein eine auf für von dem sich des auch im wir wird werden oder aber bei nach wie noch nur so kann sind einer über hat haben dass mehr',
  fr: 'le la les de des et est un une du en que qui pour dans pas sur au avec ce il elle sont nous vous par plus mais ou je cette été être aux ses leur ont fait comme',
  es: 'el la los las de del que y en un una es por con para no se su al lo como más pero sus le ya o este sí porque esta entre cuando muy sin sobre también hay está ser',
  it: 'il lo la i gli le di del della che e è un una per non in con si da sono come anche più ma questo questa nel alla dei delle ha ci ne se al essere tutto molto',
  pt: 'o a os as de do da dos das que e é um uma em no na não para com por se mais como mas foi ao ele ela seu sua ou são está também já muito isso quando nos',
  nl: 'de het een en van is dat die in te niet op voor met zijn er maar ook als aan bij door dan naar wat nog wel om je ik we was deze worden wordt hebben heeft kan uit over',
};

/** Letters that belong to one of the Latin-script languages above more than to the others. */
const MARKERS: Record<string, RegExp> = {
  de: /[ßäöü]/g,
  es: /[ñ¿¡]/g,
  fr: /[œçèêëîïûù]/g,
  pt: /[ãõ]/g,
  it: /[ìò]/g,
};

/** Each word's share of a point for every language that uses it: "de" says less than "the". */
const WORD_WEIGHTS: ReadonlyMap<string, readonly string[]> = (() => {
  const languagesOf = new Map<string, string[]>();
  for (const [language, words] of Object.entries(STOPWORDS)) {
    for (const word of words.split(' ')) languagesOf.set(word, [...(languagesOf.get(word) ?? []), language]);
  }
  return languagesOf;
})();

const SCRIPTS = {
  latin: /\p{Script=Latin}/u,
  cyrillic: /\p{Script=Cyrillic}/u,
  han: /\p{Script=Han}/u,
  kana: /[\p{Script=Hiragana}\p{Script=Katakana}]/u,
  hangul: /\p{Script=Hangul}/u,
  greek: /\p{Script=Greek}/u,
  arabic: /\p{Script=Arabic}/u,
  hebrew: /\p{Script=Hebrew}/u,
  thai: /\p{Script=Thai}/u,
  devanagari: /\p{Script=Devanagari}/u,
} as const;
type Script = keyof typeof SCRIPTS;

/** Scripts that name their language on their own. */
const SCRIPT_LANGUAGES: Partial<Record<Script, string>> = { hangul: 'ko', greek: 'el', arabic: 'ar', hebrew: 'he', thai: 'th', devanagari: 'hi' };

/** Enough text to decide; more only costs time. */
const MAX_CHARS = 20_000;

export function detectLanguage(fullText: string): DetectedLanguage {
  const text = fullText.slice(0, MAX_CHARS);
  const counts = countScripts(text);
  const letters = Object.values(counts).reduce((a, b) => a + b, 0);
  if (letters < MIN_LETTERS) return UNDETERMINED;

  // Japanese mixes kana with Han; Chinese has no kana. Judge them together as one script.
  const cjk = counts.han + counts.kana;
  const dominant = (Object.keys(counts) as Script[]).reduce((a, b) => (counts[a] >= counts[b] ? a : b));
  const share = (n: number): number => round(n / letters);
  if (cjk >= letters / 2) {
    if (counts.kana >= 3 && counts.kana >= cjk * 0.1) return { language: 'ja', confidence: share(cjk) };
    return { language: 'zh', confidence: share(cjk) };
  }
  if (counts[dominant] < letters / 2) return UNDETERMINED;
  const byScript = SCRIPT_LANGUAGES[dominant];
  if (byScript) return { language: byScript, confidence: share(counts[dominant]) };
  if (dominant === 'cyrillic') {
    const ukrainian = (text.match(/[іїєґІЇЄҐ]/g) ?? []).length;
    return { language: ukrainian >= Math.max(2, counts.cyrillic * 0.01) ? 'uk' : 'ru', confidence: share(counts.cyrillic) };
  }
  if (dominant === 'latin') return detectLatin(text);
  return UNDETERMINED;
}

function detectLatin(text: string): DetectedLanguage {
  const lower = text.toLowerCase();
  const words = lower.match(/\p{L}+/gu) ?? [];
  if (words.length < MIN_WORDS) return UNDETERMINED;
  const points = new Map<string, number>();
  let stopwords = 0;
  const distinct = new Set<string>();
  for (const word of words) {
    const languages = WORD_WEIGHTS.get(word);
    if (!languages) continue;
    stopwords++;
    distinct.add(word);
    for (const language of languages) points.set(language, (points.get(language) ?? 0) + 1 / languages.length);
  }
  for (const [language, marker] of Object.entries(MARKERS)) {
    const found = (lower.match(marker) ?? []).length;
    if (found > 0) points.set(language, (points.get(language) ?? 0) + Math.min(found, 3) * 0.5);
  }
  if (stopwords / words.length < MIN_STOPWORD_SHARE || distinct.size < MIN_DISTINCT_STOPWORDS) return UNDETERMINED;
  const ranked = [...points].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 2 || best[1] < (second?.[1] ?? 0) * MIN_MARGIN) return UNDETERMINED;
  // Related languages share many short words, so the runner-up is the one to beat.
  return { language: best[0], confidence: round(best[1] / (best[1] + (second?.[1] ?? 0))) };
}

function countScripts(text: string): Record<Script, number> {
  const counts = Object.fromEntries(Object.keys(SCRIPTS).map((s) => [s, 0])) as Record<Script, number>;
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    for (const script of Object.keys(SCRIPTS) as Script[]) {
      if (SCRIPTS[script].test(char)) {
        counts[script]++;
        break;
      }
    }
  }
  return counts;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
