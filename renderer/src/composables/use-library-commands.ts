import type { ClipView } from '../../../contract/clips.js';
import { useApi } from '../api/use-api.js';
import { displayTitle } from '../lib/clip-format.js';
import { useLibraryStore } from '../stores/library.js';
import { useResultsStore } from '../stores/results.js';
import { useSelectionStore } from '../stores/selection.js';
import { useSyncStore } from '../stores/sync.js';
import { useUiStore } from '../stores/ui.js';
import { useCommands } from './use-commands.js';

/** The library view's commands: moving the selection, opening, trashing, searching. */
export function useLibraryCommands(): void {
  const api = useApi();
  const library = useLibraryStore();
  const results = useResultsStore();
  const selection = useSelectionStore();
  const sync = useSyncStore();
  const ui = useUiStore();

  const browsing = () => selection.openClipId === null && !ui.shortcutsOpen;
  const pageRows = () => Math.max(1, selection.layout.rowsInView);

  async function selectedClip(): Promise<ClipView | undefined> {
    const index = selection.index;
    if (index === null) return undefined;
    return results.clipAt(index) ?? (await results.fetchClipAt(index));
  }

  async function openSelected(): Promise<void> {
    const clip = await selectedClip();
    if (clip) selection.openClipId = clip.id;
  }

  async function trashOrRestoreSelected(): Promise<void> {
    const clip = await selectedClip();
    if (!clip) return;
    const ids = [clip.id];
    const title = displayTitle(clip);
    if (library.scope === 'trash') {
      await api.restoreClips({ ids });
      ui.showToast(`Restored “${title}”`, { action: { label: 'Undo', run: () => api.trashClips({ ids }).then(sync.refreshNow) } });
    } else {
      await api.trashClips({ ids });
      ui.showToast(`Moved “${title}” to the trash`, { action: { label: 'Undo', run: () => api.restoreClips({ ids }).then(sync.refreshNow) } });
    }
    await sync.refreshNow();
  }

  useCommands([
    { id: 'select-previous', title: 'Select the previous clip', group: 'Library', keys: ['ArrowLeft'], when: browsing, run: () => selection.moveBy(-1) },
    { id: 'select-next', title: 'Select the next clip', group: 'Library', keys: ['ArrowRight'], when: browsing, run: () => selection.moveBy(1) },
    { id: 'select-up', title: 'Select the clip above', group: 'Library', keys: ['ArrowUp'], when: browsing, run: () => selection.moveRows(-1) },
    { id: 'select-down', title: 'Select the clip below', group: 'Library', keys: ['ArrowDown'], when: browsing, run: () => selection.moveRows(1) },
    { id: 'page-up', title: 'Move up a screen', group: 'Library', keys: ['PageUp'], when: browsing, run: () => selection.moveRows(-pageRows()) },
    { id: 'page-down', title: 'Move down a screen', group: 'Library', keys: ['PageDown'], when: browsing, run: () => selection.moveRows(pageRows()) },
    { id: 'select-first', title: 'Select the first clip', group: 'Library', keys: ['Home'], when: browsing, run: () => selection.select(0) },
    { id: 'select-last', title: 'Select the last clip', group: 'Library', keys: ['End'], when: browsing, run: () => selection.select(results.count - 1) },
    { id: 'open-clip', title: 'Open the selected clip', group: 'Library', keys: ['Enter'], when: browsing, run: openSelected },
    {
      id: 'trash-clip',
      title: 'Move the selected clip to the trash (restore it in the Trash)',
      group: 'Library',
      keys: ['Delete', 'Backspace'],
      when: browsing,
      run: trashOrRestoreSelected,
    },
    { id: 'focus-search', title: 'Search', group: 'Library', keys: ['Mod+F'], whileTyping: true, when: browsing, run: () => ui.requestFocus('search') },
    {
      id: 'clear-search',
      title: 'Clear the search',
      group: 'Library',
      keys: ['Escape'],
      when: () => browsing() && library.searchInput !== '',
      run: () => library.clearSearch(),
    },
    {
      // The clip view lists (and handles) its own Esc; this one covers the moment before it has loaded.
      id: 'close-clip',
      title: 'Close the clip',
      group: 'Clip',
      keys: ['Escape'],
      hidden: true,
      when: () => selection.openClipId !== null && !ui.shortcutsOpen,
      run: () => {
        selection.openClipId = null;
        ui.requestFocus('grid');
      },
    },
  ]);
}
