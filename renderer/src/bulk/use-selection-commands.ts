import { useCommands } from '../composables/use-commands.js';
import { useSelectionStore } from '../stores/selection.js';
import { useUiStore } from '../stores/ui.js';
import { useLibraryUndoStore } from './library-undo.js';
import { useBulkActions } from './use-bulk-actions.js';

/**
 * The library's multi-clip commands: selecting (Shift+arrows, Ctrl/Cmd+A, Space, Esc), acting on
 * the selection, and undoing a bulk operation as one step. Registered before the library's
 * single-clip commands, so that Delete and Esc act on a multi-selection when there is one.
 */
export function useSelectionCommands(): void {
  const selection = useSelectionStore();
  const ui = useUiStore();
  const undo = useLibraryUndoStore();
  const actions = useBulkActions();

  const browsing = () => selection.openClipId === null && !ui.shortcutsOpen;
  const multiple = () => browsing() && selection.multi !== null;
  const anything = () => browsing() && selection.count > 0;
  const pageRows = () => Math.max(1, selection.layout.rowsInView);
  // Space activates whatever button has the focus; it toggles a clip only in the grid itself.
  const inGrid = () => browsing() && document.activeElement instanceof Element && document.activeElement.closest('[data-testid="clip-grid"]') !== null;

  useCommands([
    { id: 'library.select-all', title: 'Select every clip in the list', group: 'Library', keys: ['Mod+A'], when: browsing, run: () => selection.selectAll() },
    { id: 'library.clear-selection', title: 'Clear the selection', group: 'Library', keys: ['Escape'], when: multiple, run: () => selection.clearSelection() },
    { id: 'library.toggle-selected', title: 'Add the focused clip to the selection, or take it out', group: 'Library', keys: ['Space'], when: inGrid, run: () => selection.toggle(selection.index ?? 0) },
    { id: 'library.focus-previous', title: 'Move the focus to the previous clip, keeping the selection', group: 'Library', keys: ['Mod+ArrowLeft'], when: browsing, run: () => selection.focusBy(-1) },
    { id: 'library.focus-next', title: 'Move the focus to the next clip, keeping the selection', group: 'Library', keys: ['Mod+ArrowRight'], when: browsing, run: () => selection.focusBy(1) },
    { id: 'library.focus-up', title: 'Move the focus a row up, keeping the selection', group: 'Library', keys: ['Mod+ArrowUp'], when: browsing, run: () => selection.focusRows(-1) },
    { id: 'library.focus-down', title: 'Move the focus a row down, keeping the selection', group: 'Library', keys: ['Mod+ArrowDown'], when: browsing, run: () => selection.focusRows(1) },
    { id: 'library.extend-previous', title: 'Extend the selection to the previous clip', group: 'Library', keys: ['Shift+ArrowLeft'], when: browsing, run: () => selection.extendBy(-1) },
    { id: 'library.extend-next', title: 'Extend the selection to the next clip', group: 'Library', keys: ['Shift+ArrowRight'], when: browsing, run: () => selection.extendBy(1) },
    { id: 'library.extend-up', title: 'Extend the selection a row up', group: 'Library', keys: ['Shift+ArrowUp'], when: browsing, run: () => selection.extendRows(-1) },
    { id: 'library.extend-down', title: 'Extend the selection a row down', group: 'Library', keys: ['Shift+ArrowDown'], when: browsing, run: () => selection.extendRows(1) },
    { id: 'library.extend-page-up', title: 'Extend the selection a screen up', group: 'Library', keys: ['Shift+PageUp'], when: browsing, run: () => selection.extendRows(-pageRows()) },
    { id: 'library.extend-page-down', title: 'Extend the selection a screen down', group: 'Library', keys: ['Shift+PageDown'], when: browsing, run: () => selection.extendRows(pageRows()) },
    { id: 'library.extend-first', title: 'Extend the selection to the first clip', group: 'Library', keys: ['Shift+Home'], when: browsing, run: () => selection.extendTo(0) },
    { id: 'library.extend-last', title: 'Extend the selection to the last clip', group: 'Library', keys: ['Shift+End'], when: browsing, run: () => selection.extendTo(Number.MAX_SAFE_INTEGER) },
    { id: 'library.bulk-tag', title: 'Tag the selected clips', group: 'Library', keys: ['T'], when: anything, run: () => openBar('bulk-tag') },
    { id: 'library.bulk-collection', title: 'Add the selected clips to a collection, or move them', group: 'Library', keys: ['M'], when: anything, run: () => openBar('bulk-collection') },
    { id: 'library.bulk-trash', title: 'Move the selected clips to the trash (restore them in the Trash)', group: 'Library', keys: ['Delete', 'Backspace'], when: multiple, run: actions.trashOrRestore },
    { id: 'library.bulk-export-zip', title: 'Export the selected clips as a zip', group: 'Library', keys: [], when: anything, run: () => actions.exportSelected('zip') },
    { id: 'library.bulk-reanalyse', title: 'Analyse the selected clips again', group: 'Library', keys: [], when: anything, run: actions.reanalyse },
    { id: 'library.combine-vertical', title: 'Stitch the selected images one under another', group: 'Library', keys: [], when: anything, run: () => actions.combine('vertical') },
    { id: 'library.combine-horizontal', title: 'Stitch the selected images side by side', group: 'Library', keys: [], when: anything, run: () => actions.combine('horizontal') },
    { id: 'library.merge-texts', title: 'Merge the selected text clips into one', group: 'Library', keys: [], when: anything, run: actions.merge },
    { id: 'library.undo', title: 'Undo the last change to many clips', group: 'Library', keys: ['Mod+Z'], when: () => browsing() && undo.canUndo, run: actions.undoLatest },
    { id: 'library.redo', title: 'Redo the last change to many clips', group: 'Library', keys: ['Mod+Shift+Z', 'Mod+Y'], when: () => browsing() && undo.canRedo, run: actions.redoLatest },
  ]);

  /** Shows the selection bar's form (a lone focused clip becomes a selection of one, so the bar appears). */
  async function openBar(target: 'bulk-tag' | 'bulk-collection'): Promise<void> {
    await selection.keepFocusedSelected();
    ui.requestFocus(target);
  }
}
