// What analysis found, as a window reads it from a clip's entry in its own copy of the shard
// (the same summary the core reads into ClipView.analysis, contract/analysis.ts).
import { MAX_SUGGESTED_TAGS, TAG_SOURCES, type ClipAnalysisSummary, type SuggestedTagSummary, type TagSource } from '../../../contract/analysis.js';
import type { ClipAnalysisDoc } from '../../../contract/shard-document.js';

/** The entry's analysis as plain values. A suggestion a peer wrote wrong is left out. */
export function readAnalysisEntry(analysis: ClipAnalysisDoc): ClipAnalysisSummary {
  const suggested: SuggestedTagSummary[] = [];
  for (const [tag, value] of Object.entries(analysis.suggested ?? {})) {
    const source = String(value?.source ?? '');
    if (typeof value?.score !== 'number' || !isTagSource(source)) continue;
    suggested.push({ tag, score: value.score, source });
  }
  suggested.sort((a, b) => b.score - a.score || a.tag.localeCompare(b.tag));
  return {
    text: String(analysis.text ?? ''),
    suggested: suggested.slice(0, MAX_SUGGESTED_TAGS),
    rejected: Object.keys(analysis.rejected ?? {}).sort(),
    input: String(analysis.input ?? ''),
    models: String(analysis.models ?? ''),
    at: typeof analysis.at === 'number' ? analysis.at : 0,
  };
}

function isTagSource(source: string): source is TagSource {
  return (TAG_SOURCES as readonly string[]).includes(source);
}
