// Suggestions learned on the device from the person's own tagging: a naive Bayes model per tag
// over the features of the clips they tagged. Counting is incremental and exact (a decision adds
// or takes back counts, nothing is retrained), and the model is plain JSON beside the library.
//
// For a tag t and a clip with features x:
//   positives   the clips the person gave t (accepted or added by hand);
//   negatives   every other clip they tagged (t was not wanted there), plus each rejection of t
//               counted REJECTION_WEIGHT times more: saying no is stronger than not saying yes;
//   evidence    log P(f | t) / P(f | not t), Laplace-smoothed, summed over x's features that
//               learned clips had, and over the tag's typical features (those at least half its
//               clips have) that x lacks, with P(no f | …); features nearly every clip has are
//               left out. The sum is divided by √k for its k terms: words in one clip are far
//               from independent, and plain naive Bayes would be sure of everything;
//   prior       log(positives / negatives), but never above 0: a tag is not suggested for being
//               common, only for what the clip shows.
//   score       sigmoid(prior + evidence).
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { SuggestedTag } from '../../../contract/analysis.js';
import { writeFileAtomically } from '../../library/export/write-atomically.js';

export const PERSONAL_MODEL_FORMAT = 'clipshot-personal-tagger';
export const PERSONAL_MODEL_VERSION = 1;

const SMOOTHING = 0.5;
const REJECTION_WEIGHT = 2;
/** Fewer matching known features than this is no evidence at all. */
const MIN_EVIDENCE_FEATURES = 2;
/**
 * A feature nearly every learned clip has ("kind:image") tells tags apart no better than chance,
 * yet would dilute the evidence of the words that do: it is left out once enough clips are known.
 */
const UBIQUITOUS_SHARE = 0.8;
const UBIQUITOUS_AFTER_CLIPS = 5;
/** Past this many distinct features, those seen in one clip only are forgotten. */
const MAX_VOCABULARY = 50_000;

export interface PersonalTaggerOptions {
  /** Only tags the person has given at least this many clips are suggested. Default 3. */
  readonly minUses?: number;
  /** Least score for a suggestion. Default 0.7. */
  readonly threshold?: number;
  /** At most this many suggestions per clip. Default 3. */
  readonly maxSuggestions?: number;
}

/** One decision of the person about a clip's tags. */
export interface TagDecision {
  /** Suggested tags the person accepted. */
  readonly accepted?: readonly string[];
  /** Tags the person added by hand. */
  readonly added?: readonly string[];
  /** Suggested tags the person rejected. */
  readonly rejected?: readonly string[];
  /** Tags the person took off the clip. */
  readonly removed?: readonly string[];
}

const countsSchema = z.record(z.string(), z.number().int().nonnegative());
const fileSchema = z.object({
  format: z.literal(PERSONAL_MODEL_FORMAT),
  version: z.literal(PERSONAL_MODEL_VERSION),
  clipsLearned: z.number().int().nonnegative(),
  featureClips: countsSchema,
  tags: z.record(
    z.string(),
    z.object({ uses: z.number().int().nonnegative(), rejections: z.number().int().nonnegative(), positive: countsSchema, rejected: countsSchema }),
  ),
  clips: z.record(z.string(), z.object({ tags: z.array(z.string()), rejected: z.array(z.string()) })),
});
type ModelFile = z.infer<typeof fileSchema>;

interface TagCounts {
  uses: number;
  rejections: number;
  /** Per feature: how many of the tag's clips have it. */
  positive: Map<string, number>;
  /** Per feature: how many clips where the tag was rejected have it. */
  rejected: Map<string, number>;
}

interface ClipRecord {
  tags: Set<string>;
  rejected: Set<string>;
}

/**
 * Where the model is kept. It holds words of the person's clips, so the app keeps it in the
 * library's encrypted database; a file serves tools and tests.
 */
export interface PersonalModelStorage {
  /** For messages: a file name, "the library database". */
  readonly name: string;
  /** The stored model, or null when there is none yet. */
  read(): Promise<string | null>;
  write(text: string): Promise<void>;
  /** Keeps a damaged model apart (so nothing is lost) and says where. */
  setAside(): Promise<string>;
}

function fileStorage(file: string): PersonalModelStorage {
  return {
    name: file,
    read: async () => {
      try {
        return await fs.readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    write: async (text) => {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomically(file, Buffer.from(text));
    },
    setAside: async () => {
      const aside = `${file}.bad-${Date.now()}`;
      await fs.rename(file, aside);
      return path.basename(aside);
    },
  };
}

export class PersonalTagger {
  private clipsLearned = 0;
  /** Per feature: how many learned clips have it. */
  private readonly featureClips = new Map<string, number>();
  private readonly tags = new Map<string, TagCounts>();
  private readonly clips = new Map<string, ClipRecord>();
  private readonly typical = new Map<string, readonly string[]>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly storage: PersonalModelStorage,
    private readonly options: PersonalTaggerOptions,
    /** Set when the stored model could not be used: what was wrong, and where it went. */
    readonly problem?: string,
  ) {}

  /** Opens the model kept in `file` (see `load`). */
  static open(file: string, options: PersonalTaggerOptions = {}): Promise<PersonalTagger> {
    return PersonalTagger.load(fileStorage(file), options);
  }

  /**
   * Opens the stored model, or starts an empty one when there is none. A damaged or unknown
   * model never stops tagging: it is set aside (nothing is lost), the tagger starts empty, and
   * `problem` says what happened.
   */
  static async load(storage: PersonalModelStorage, options: PersonalTaggerOptions = {}): Promise<PersonalTagger> {
    let text: string | null;
    try {
      text = await storage.read();
    } catch (error) {
      return new PersonalTagger(storage, options, `the personal tagging model (${storage.name}) could not be read (${(error as Error).message}); learning starts again`);
    }
    if (text === null) return new PersonalTagger(storage, options);
    let parsed: ModelFile;
    try {
      parsed = fileSchema.parse(JSON.parse(text));
    } catch (error) {
      const reason = error instanceof z.ZodError ? describeZodError(error) : (error as Error).message;
      const moved = await storage.setAside().then(
        (where) => `it was moved to ${where}`,
        (moveError: Error) => `it could not be moved aside (${moveError.message}) and will be replaced`,
      );
      return new PersonalTagger(storage, options, `the personal tagging model (${storage.name}) could not be read (${reason}); ${moved}, and learning starts again`);
    }
    const tagger = new PersonalTagger(storage, options);
    tagger.restore(parsed);
    return tagger;
  }

  /** Learns from one decision about a clip. `features` are the clip's, from `personalFeatures`. */
  learn(clipId: string, features: readonly string[], decision: TagDecision): void {
    const unique = [...new Set(features)];
    let clip = this.clips.get(clipId);
    if (!clip) {
      clip = { tags: new Set(), rejected: new Set() };
      this.clips.set(clipId, clip);
      this.clipsLearned++;
      for (const f of unique) this.featureClips.set(f, (this.featureClips.get(f) ?? 0) + 1);
    }
    for (const tag of [...(decision.accepted ?? []), ...(decision.added ?? [])]) {
      if (clip.tags.has(tag)) continue;
      const counts = this.countsOf(tag);
      if (clip.rejected.delete(tag)) {
        counts.rejections--;
        addCounts(counts.rejected, unique, -1);
      }
      clip.tags.add(tag);
      counts.uses++;
      addCounts(counts.positive, unique, 1);
    }
    for (const tag of [...(decision.rejected ?? []), ...(decision.removed ?? [])]) {
      if (clip.rejected.has(tag)) continue;
      const counts = this.countsOf(tag);
      if (clip.tags.delete(tag)) {
        counts.uses--;
        addCounts(counts.positive, unique, -1);
      }
      clip.rejected.add(tag);
      counts.rejections++;
      addCounts(counts.rejected, unique, 1);
    }
    if (this.featureClips.size > MAX_VOCABULARY) this.forgetRareFeatures();
  }

  /** How sure the model is that `tag` fits a clip with these features, 0..1; 0 without evidence. */
  score(tag: string, features: readonly string[]): number {
    const counts = this.tags.get(tag);
    if (!counts || counts.uses === 0) return 0;
    const positives = counts.uses;
    const negatives = Math.max(0, this.clipsLearned - counts.uses + REJECTION_WEIGHT * counts.rejections);
    const ubiquitous = this.clipsLearned >= UBIQUITOUS_AFTER_CLIPS ? UBIQUITOUS_SHARE * this.clipsLearned : Infinity;
    const present = new Set(features);
    let evidence = 0;
    let terms = 0;
    let known = 0;
    for (const f of present) {
      const seen = this.featureClips.get(f) ?? 0;
      if (seen === 0 || seen >= ubiquitous) continue;
      known++;
      terms++;
      const inPositives = counts.positive.get(f) ?? 0;
      const inNegatives = Math.max(0, seen - inPositives + REJECTION_WEIGHT * (counts.rejected.get(f) ?? 0));
      evidence += Math.log((inPositives + SMOOTHING) / (positives + 2 * SMOOTHING)) - Math.log((inNegatives + SMOOTHING) / (negatives + 2 * SMOOTHING));
    }
    if (known < MIN_EVIDENCE_FEATURES) return 0;
    // What most of the tag's clips have and this one lacks speaks against it: a text that
    // mentions a "total" once is not a receipt when it has none of a receipt's other words.
    for (const f of this.typicalFeatures(tag, counts)) {
      const seen = this.featureClips.get(f) ?? 0;
      if (present.has(f) || seen >= ubiquitous) continue;
      terms++;
      const inPositives = counts.positive.get(f) ?? 0;
      const inNegatives = Math.max(0, seen - inPositives + REJECTION_WEIGHT * (counts.rejected.get(f) ?? 0));
      evidence +=
        Math.log((positives - inPositives + SMOOTHING) / (positives + 2 * SMOOTHING)) - Math.log((Math.max(0, negatives - inNegatives) + SMOOTHING) / (negatives + 2 * SMOOTHING));
    }
    const prior = Math.min(0, Math.log((positives + SMOOTHING) / (negatives + SMOOTHING)));
    return 1 / (1 + Math.exp(-(prior + evidence / Math.sqrt(terms))));
  }

  /**
   * Tags the person would likely give this clip, best first: only tags they have used often
   * enough, never one they rejected for this clip, and none in `exclude` (the clip's own tags).
   */
  suggest(clipId: string, features: readonly string[], exclude: Iterable<string> = []): SuggestedTag[] {
    const minUses = this.options.minUses ?? 3;
    const threshold = this.options.threshold ?? 0.7;
    const skip = new Set(exclude);
    const clip = this.clips.get(clipId);
    const suggestions: SuggestedTag[] = [];
    for (const [tag, counts] of this.tags) {
      if (counts.uses < minUses || skip.has(tag) || clip?.tags.has(tag) || clip?.rejected.has(tag)) continue;
      const score = this.score(tag, features);
      if (score >= threshold) suggestions.push({ tag, score: Math.round(score * 1000) / 1000, source: 'personal' });
    }
    return suggestions.sort((a, b) => b.score - a.score || a.tag.localeCompare(b.tag)).slice(0, this.options.maxSuggestions ?? 3);
  }

  /** Tags used at least `minUses` times, with their use counts. */
  knownTags(): Map<string, number> {
    const minUses = this.options.minUses ?? 3;
    return new Map([...this.tags].filter(([, c]) => c.uses >= minUses).map(([tag, c]) => [tag, c.uses]));
  }

  /** Writes the model atomically; saves are queued, so the last one wins. */
  save(): Promise<void> {
    const text = JSON.stringify(this.toJSON());
    this.saving = this.saving.catch(() => undefined).then(() => this.storage.write(text));
    return this.saving;
  }

  toJSON(): ModelFile {
    return {
      format: PERSONAL_MODEL_FORMAT,
      version: PERSONAL_MODEL_VERSION,
      clipsLearned: this.clipsLearned,
      featureClips: Object.fromEntries(this.featureClips),
      tags: Object.fromEntries(
        [...this.tags].map(([tag, c]) => [tag, { uses: c.uses, rejections: c.rejections, positive: Object.fromEntries(c.positive), rejected: Object.fromEntries(c.rejected) }]),
      ),
      clips: Object.fromEntries([...this.clips].map(([id, c]) => [id, { tags: [...c.tags], rejected: [...c.rejected] }])),
    };
  }

  private restore(file: ModelFile): void {
    this.clipsLearned = file.clipsLearned;
    for (const [f, n] of Object.entries(file.featureClips)) this.featureClips.set(f, n);
    for (const [tag, c] of Object.entries(file.tags)) {
      this.tags.set(tag, { uses: c.uses, rejections: c.rejections, positive: new Map(Object.entries(c.positive)), rejected: new Map(Object.entries(c.rejected)) });
    }
    for (const [id, c] of Object.entries(file.clips)) this.clips.set(id, { tags: new Set(c.tags), rejected: new Set(c.rejected) });
  }

  /** Features at least half of the tag's clips (and two or more) have; cached until its clips change. */
  private typicalFeatures(tag: string, counts: TagCounts): readonly string[] {
    let typical = this.typical.get(tag);
    if (!typical) {
      const least = Math.max(2, counts.uses / 2);
      typical = [...counts.positive].filter(([, n]) => n >= least).map(([f]) => f);
      this.typical.set(tag, typical);
    }
    return typical;
  }

  private countsOf(tag: string): TagCounts {
    this.typical.delete(tag);
    let counts = this.tags.get(tag);
    if (!counts) {
      counts = { uses: 0, rejections: 0, positive: new Map(), rejected: new Map() };
      this.tags.set(tag, counts);
    }
    return counts;
  }

  private forgetRareFeatures(): void {
    this.typical.clear();
    for (const [f, n] of this.featureClips) {
      if (n > 1) continue;
      this.featureClips.delete(f);
      for (const counts of this.tags.values()) {
        counts.positive.delete(f);
        counts.rejected.delete(f);
      }
    }
  }
}

function addCounts(counts: Map<string, number>, features: readonly string[], delta: 1 | -1): void {
  for (const f of features) {
    const n = (counts.get(f) ?? 0) + delta;
    if (n > 0) counts.set(f, n);
    else counts.delete(f);
  }
}

function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.map(String).join('.') || 'the file'}: ${issue.message}` : 'unexpected content';
}
