// Word count: the command "Text statistics" counts the words, characters and lines of the text
// clips (those given as { clipIds }, else every text clip), and shows them in the plugin's panel.
// Its run count is handed over on a hot reload (deactivate → activate), as a plugin's state is.
import { definePlugin } from './lib/define-plugin.js';
import { collectionStatistics } from './statistics.js';

export const PANEL_ID = 'clipshot.word-count.panel';
/** Enough for any library a person reads statistics of; the rest is said to be left out. */
const MAX_CLIPS = 20_000;
// The host hands out at most 200 clips a call.
const PAGE = 200;

let runs = 0;

/** @param {import('@clipshot/plugin-sdk').PluginHostApi} host */
async function textClips(host, clipIds) {
  if (clipIds) {
    const clips = [];
    for (const id of clipIds) clips.push(await host.clips.get(id));
    return { clips: clips.filter((clip) => clip.kind === 'text'), complete: true };
  }
  const clips = [];
  let cursor = null;
  let seen = 0;
  do {
    const page = await host.clips.list({ limit: PAGE, cursor });
    for (const clip of page.clips) if (clip.kind === 'text') clips.push(clip);
    seen += page.clips.length;
    cursor = page.next;
  } while (cursor !== null && seen < MAX_CLIPS);
  return { clips, complete: cursor === null };
}

function clipIdsOf(args) {
  if (args === undefined || args === null) return null;
  const ids = typeof args === 'object' && !Array.isArray(args) ? args.clipIds : undefined;
  // `clipshot run` hands `{}` when given no arguments: every text clip, as with none.
  if (ids === undefined && typeof args === 'object' && !Array.isArray(args)) return null;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new TypeError('Text statistics takes no arguments, or { "clipIds": ["…"] }');
  return ids;
}

/** @type {(args: unknown, host: import('@clipshot/plugin-sdk').PluginHostApi) => Promise<object>} */
export async function stats(args, host) {
  const { clips, complete } = await textClips(host, clipIdsOf(args));
  const statistics = { ...collectionStatistics(clips.map((clip) => ({ id: clip.id, title: clip.title, text: clip.text ?? '' }))), complete, run: ++runs };
  host.log('info', `counted ${statistics.words} words in ${statistics.clips} text clips`);
  try {
    await host.ui.showPanel(PANEL_ID, statistics);
  } catch (error) {
    // Run from the command line there is no window to show it in: the statistics are the answer.
    host.log('warn', `the panel was not shown: ${error instanceof Error ? error.message : String(error)}`);
  }
  return statistics;
}

export default definePlugin({
  activate(_host, state) {
    runs = typeof state === 'object' && state !== null && Number.isInteger(state.runs) ? state.runs : 0;
  },
  deactivate() {
    return { runs };
  },
  commands: { 'clipshot.word-count.stats': stats },
});
