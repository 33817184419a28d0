import type { ModelRef } from '../../../contract/analysis.js';
import type { ClipView } from '../../../contract/clips.js';

/** What analysis reads from a clip: its content and, once edited, its rendering (crop, redactions, edited text). */
export function analysisInputOf(clip: Pick<ClipView, 'contentHash' | 'edited'>): string {
  const edits = clip.edited ? (clip.edited.thumb ?? String(clip.edited.at)) : '-';
  return `${clip.contentHash}:${edits}`;
}

/** The models a result came from, as `id@version` words in id order: "clip-vit-b32@1 pp-ocrv4@4.0". */
export function modelsKeyOf(models: readonly ModelRef[]): string {
  return [...models].sort((a, b) => a.id.localeCompare(b.id)).map((model) => `${model.id}@${model.version}`).join(' ');
}

function parseModelsKey(key: string): Map<string, string> {
  const models = new Map<string, string>();
  for (const word of key.split(' ')) {
    const at = word.lastIndexOf('@');
    if (at > 0) models.set(word.slice(0, at), word.slice(at + 1));
  }
  return models;
}

/**
 * True when this device's models would add to a result made with `theirs`: one they lack, or a
 * newer version of one. Never true both ways, so two devices with different models do not take
 * turns analysing the same clip: the one with fewer or older models leaves the other's result be.
 */
export function modelsImprove(ours: string, theirs: string): boolean {
  const their = parseModelsKey(theirs);
  for (const [id, version] of parseModelsKey(ours)) {
    const other = their.get(id);
    if (other === undefined || compareVersions(version, other) > 0) return true;
  }
  return false;
}

/** Numeric where both parts are numbers ("1.10" after "1.9", "1.4.2+10" after "1.4.2+9"), else by text. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.+-]/);
  const right = b.split(/[.+-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index] ?? '';
    const y = right[index] ?? '';
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}

/** Why a clip needs analysing, or null when its analysis is current (or it is in the trash). */
export function analysisNeeded(clip: Pick<ClipView, 'contentHash' | 'edited' | 'deletedAt' | 'analysis'>, modelsKey: string): 'new' | 'changed' | null {
  if (clip.deletedAt !== null) return null;
  if (!clip.analysis) return 'new';
  if (clip.analysis.input !== analysisInputOf(clip) || modelsImprove(modelsKey, clip.analysis.models)) return 'changed';
  return null;
}
