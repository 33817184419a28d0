import type { SuggestedTag } from '../../../contract/analysis.js';
import type { ClipView } from '../../../contract/clips.js';
import { personalFeatures } from '../tagging/personal-features.js';
import { PersonalTagger, type PersonalModelStorage } from '../tagging/personal-tagger.js';
import type { WorkerResult } from '../worker/worker-protocol.js';
import type { AnalysisStore } from './analysis-store.js';
import type { PersonalSuggestions } from './analysis-service.js';

const MODEL_KEY = 'personal-model';
const SAVE_DELAY_MS = 2_000;

/**
 * Suggestions learned from the person's own tagging, kept in the library's encrypted database:
 * the model holds words of their clips. `write` runs a database write on the library's queue.
 */
export async function openPersonalSuggestions(store: AnalysisStore, write: (work: () => void) => Promise<void>): Promise<PersonalSuggestions & { problem?: string }> {
  const storage: PersonalModelStorage = {
    name: 'the library database',
    read: async () => store.getState(MODEL_KEY),
    write: (text) => write(() => store.setState(MODEL_KEY, text)),
    setAside: async () => {
      const key = `${MODEL_KEY}.bad-${Date.now()}`;
      await write(() => {
        store.setState(key, store.getState(MODEL_KEY) ?? '');
        store.setState(MODEL_KEY, null);
      });
      return `${key} in the library database`;
    },
  };
  const tagger = await PersonalTagger.load(storage);
  let saveTimer: NodeJS.Timeout | null = null;
  const saveSoon = (): void => {
    saveTimer ??= setTimeout(() => {
      saveTimer = null;
      void tagger.save().catch(() => undefined);
    }, SAVE_DELAY_MS);
  };
  const featuresOf = (clip: ClipView, recognisedText: string, suggested: readonly string[]): string[] =>
    personalFeatures({ title: clip.title, recognisedText, sourceName: clip.sourceName, kind: clip.kind, suggestedTags: suggested });

  return {
    ...(tagger.problem !== undefined && { problem: tagger.problem }),
    suggest(clip: ClipView, found: WorkerResult): SuggestedTag[] {
      const text = found.recognition?.text ?? found.frames.map((frame) => frame.text).join('\n');
      return tagger.suggest(clip.id, featuresOf(clip, text, found.tags.map((tag) => tag.tag)), clip.tags);
    },
    learn(clip: ClipView, event: { accepted?: string; rejected?: string; tags?: readonly string[] }): void {
      const features = featuresOf(clip, clip.analysis?.text ?? '', clip.analysis?.suggested.map((tag) => tag.tag) ?? []);
      tagger.learn(clip.id, features, {
        ...(event.accepted !== undefined && { accepted: [event.accepted] }),
        ...(event.rejected !== undefined && { rejected: [event.rejected] }),
        // Learning a tag the model already has for this clip changes nothing, so all of them go.
        ...(event.tags !== undefined && { added: event.tags }),
      });
      saveSoon();
    },
    async flush(): Promise<void> {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = null;
      await tagger.save();
    },
  };
}
