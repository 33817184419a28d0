import { nextTick } from 'vue';
import { useCommands } from '../composables/use-commands.js';
import { useLibraryStore } from '../stores/library.js';
import { useSelectionStore } from '../stores/selection.js';
import { useUiStore } from '../stores/ui.js';
import { useTimelineStore } from './timeline-store.js';

/** The timeline's commands: show or hide it, go to it, jump to a date, clear its range. */
export function useTimelineCommands(): void {
  const timeline = useTimelineStore();
  const library = useLibraryStore();
  const selection = useSelectionStore();
  const ui = useUiStore();
  const browsing = () => selection.openClipId === null && !ui.shortcutsOpen;

  useCommands([
    { id: 'library.toggle-timeline', title: 'Show or hide the timeline', group: 'Library', keys: [], when: browsing, run: () => timeline.setShown(!timeline.shown) },
    {
      id: 'library.focus-timeline',
      title: 'Go to the timeline',
      group: 'Library',
      keys: ['Alt+T'],
      when: browsing,
      run: async () => {
        timeline.setShown(true);
        // The strip exists once shown.
        await nextTick();
        ui.requestFocus('timeline');
      },
    },
    {
      id: 'library.jump-to-date',
      title: 'Jump to a date',
      group: 'Library',
      keys: ['G'],
      when: browsing,
      run: () => {
        timeline.setShown(true);
        ui.requestFocus('jump-to-date');
      },
    },
    {
      id: 'library.clear-date-range',
      title: 'Clear the date range',
      group: 'Library',
      keys: ['Escape'],
      when: () => browsing() && library.dateRange !== null && library.searchInput === '',
      run: () => library.setDateRange(null),
    },
  ]);
}
