// What analysis says to a person: its progress, a clip's status, where a suggestion came from.
import type { AnalysisProgress, ClipAnalysisView, SuggestedTagSummary, TagSource } from '../../../contract/analysis.js';
import type { ClipKind } from '../../../contract/clips.js';

/** Everything recognised in a clip: an image's lines, else a video's frames (each frame's lines once, in time order). */
export function recognisedText(view: ClipAnalysisView | null): string {
  if (!view) return '';
  if (view.recognition) return view.recognition.text;
  return [...view.frames]
    .sort((a, b) => a.atMs - b.atMs)
    .map((frame) => frame.text)
    .filter((text) => text.trim() !== '')
    .join('\n');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** The top bar's words; '' when there is nothing to say (idle, or analysis off). */
export function progressLabel(progress: AnalysisProgress | null): string {
  if (!progress) return '';
  const total = progress.analysed + progress.queued;
  if (progress.state === 'paused') return progress.queued > 0 ? `Analysis paused · ${plural(progress.queued, 'clip')} waiting` : 'Analysis paused';
  if (progress.state === 'running') return `Analysing ${Math.min(progress.analysed + 1, total).toLocaleString()} of ${total.toLocaleString()}…`;
  return '';
}

/** Failed and crashed clips together: both wait for the person to ask again. */
export function failedCount(progress: AnalysisProgress | null): number {
  return (progress?.failed ?? 0) + (progress?.crashed ?? 0);
}

/** One clip's analysis in a line: what it found, or where it stands, or why it failed. */
export function clipStatusLine(view: ClipAnalysisView, kind: ClipKind, paused: boolean): string {
  switch (view.status) {
    case 'none':
      return 'Not analysed yet.';
    case 'queued':
      return paused ? 'Waiting to be analysed: analysis is paused.' : 'Waiting to be analysed…';
    case 'running':
      return 'Analysing this clip…';
    case 'failed':
      return `Analysis failed: ${view.error ?? 'no reason was given'}.`;
    case 'crashed':
      return `This clip stopped the analysis worker (${view.error ?? 'no reason was given'}). It is not tried again unless you ask.`;
    case 'done':
      return foundLine(view, kind);
  }
}

function foundLine(view: ClipAnalysisView, kind: ClipKind): string {
  if (kind === 'image') return view.recognition && view.recognition.lines.length > 0 ? `${plural(view.recognition.lines.length, 'line')} of text recognised.` : 'No text found in the image.';
  if (kind === 'video') {
    const withText = view.frames.filter((frame) => frame.lines.length > 0).length;
    return withText > 0 ? `Text found in ${plural(withText, 'frame')}.` : 'No text found in the video.';
  }
  return 'Analysed.';
}

const SOURCES: Record<TagSource, string> = {
  clip: 'the picture (image model)',
  text: 'the recognised text',
  metadata: 'the clip’s kind, size and source',
  personal: 'how you tag clips like this',
  remote: 'a remote AI provider',
};

/** A suggestion's tooltip: where it came from and how sure. */
export function suggestionDetail(suggestion: SuggestedTagSummary): string {
  return `Suggested from ${SOURCES[suggestion.source]}, score ${Math.round(suggestion.score * 100)}%`;
}
