import type { ClipSelection, CombineLayout, LabelBulkResult } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';
import { useLibraryStore } from '../stores/library.js';
import { useSelectionStore } from '../stores/selection.js';
import { useSyncStore } from '../stores/sync.js';
import { useUiStore } from '../stores/ui.js';
import { newOperationId, useBulkProgressStore } from './bulk-progress.js';
import { useLibraryUndoStore } from './library-undo.js';
import { labelStep, madeClipStep, trashStep, type UndoStep } from './undo-steps.js';

export type LabelAction = 'add' | 'remove';
export type CollectionAction = 'add' | 'move' | 'remove';

/**
 * What can be done to the selected clips: each runs once in the core, shows progress when long,
 * and becomes one undo step (with an Undo button in its toast).
 */
export function useBulkActions() {
  const api = useApi();
  const library = useLibraryStore();
  const selection = useSelectionStore();
  const sync = useSyncStore();
  const ui = useUiStore();
  const undo = useLibraryUndoStore();
  const progress = useBulkProgressStore();

  function selected(): ClipSelection {
    const chosen = selection.toApiSelection();
    if (!chosen) throw new Error('no clips are selected');
    return chosen;
  }

  const clips = (count: number) => `${count.toLocaleString()} ${count === 1 ? 'clip' : 'clips'}`;

  /** Runs one operation with an id the progress panel can cancel by. */
  async function tracked<R>(label: string, run: (operationId: string) => Promise<R>): Promise<R> {
    const operationId = newOperationId();
    const untrack = progress.trackOperation(operationId, label);
    try {
      return await run(operationId);
    } finally {
      untrack();
    }
  }

  function done(message: string, step: UndoStep | null): void {
    if (step) undo.push(step);
    ui.showToast(message, step ? { action: { label: 'Undo', run: () => undoAndRefresh(step) } } : {});
    void sync.refreshNow();
  }

  async function undoAndRefresh(step: UndoStep): Promise<void> {
    const label = await undo.undoStep(step);
    await sync.refreshNow();
    if (label) ui.showToast(`Undone: ${label}`);
  }

  function cancelledNote(result: { cancelled: boolean }): string {
    return result.cancelled ? ' (cancelled: the rest was left as it was)' : '';
  }

  async function changeTags(action: LabelAction, name: string): Promise<void> {
    const verb = action === 'add' ? `Tag “${name}”` : `Remove tag “${name}”`;
    const result = await tracked(verb, (operationId) => api.bulkTags({ selection: selected(), ...(action === 'add' ? { add: [name] } : { remove: [name] }), operationId }));
    const label = `${verb} on ${clips(result.changed)}`;
    done(result.changed === 0 ? `Nothing to change: ${action === 'add' ? 'every selected clip has' : 'no selected clip has'} “${name}”` : `${label}${cancelledNote(result)}`, labelStep(api, 'tags', result, label));
  }

  async function changeCollection(action: CollectionAction, name: string): Promise<void> {
    const verb = action === 'add' ? `Add to “${name}”` : action === 'move' ? `Move to “${name}”` : `Take out of “${name}”`;
    const result: LabelBulkResult = await tracked(verb, (operationId) =>
      api.bulkCollections({ selection: selected(), ...(action === 'remove' ? { remove: [name] } : { add: [name] }), exclusive: action === 'move', operationId }),
    );
    const label = `${verb}: ${clips(result.changed)}`;
    done(result.changed === 0 ? 'Nothing to change' : `${label}${cancelledNote(result)}`, labelStep(api, 'collections', result, label));
  }

  /** Trash in the library, restore in the Trash: the selected clips leave the list, so the selection goes too. */
  async function trashOrRestore(): Promise<void> {
    const restoring = library.scope === 'trash';
    const chosen = selected();
    const verb = restoring ? 'Restore' : 'Move to the trash';
    const result = await tracked(verb, (operationId) => (restoring ? api.bulkRestore({ selection: chosen, operationId }) : api.bulkTrash({ selection: chosen, operationId })));
    selection.clearSelection();
    const label = restoring ? `Restored ${clips(result.changed.length)}` : `Moved ${clips(result.changed.length)} to the trash`;
    done(`${label}${cancelledNote(result)}`, trashStep(api, restoring ? 'restored' : 'trashed', result, label));
  }

  async function reanalyse(): Promise<void> {
    const result = await tracked('Analyse again', (operationId) => api.bulkReanalyse({ selection: selected(), operationId }));
    const failures = result.failed.length > 0 ? `; ${result.failed.length} could not be (${result.failed[0]!.reason})` : '';
    ui.showToast(`Analysed ${clips(result.done)} again${failures}${cancelledNote(result)}`, { kind: result.failed.length > 0 ? 'error' : 'info' });
    void sync.refreshNow();
  }

  /** A zip to download (any window), or a folder the desktop app asks for. */
  async function exportSelected(destination: 'zip' | 'folder'): Promise<void> {
    const { jobId } = await api.bulkExport({ selection: selected(), destination });
    if (jobId === null) return;
    const finished = await progress.trackExport(jobId, destination === 'zip' ? 'Exporting a zip' : 'Exporting to a folder', destination === 'zip');
    if (finished.cancelled) ui.showToast('Export cancelled');
    else if (finished.error) ui.showError(new Error(finished.error), 'export the clips');
    else if (destination === 'zip') {
      download(api.exportUrl(jobId), finished.fileName ?? 'ClipShot export.zip');
      ui.showToast(`Exported ${finished.label}`);
    } else ui.showToast(`Exported ${finished.label}`);
  }

  async function combine(layout: CombineLayout): Promise<void> {
    const made = await api.combineImages({ selection: selected(), layout });
    const label = layout === 'vertical' ? 'Combine images one under another' : 'Combine images side by side';
    done(made.created ? `${label}: made a new image` : 'These images were combined this way before: that clip is still there', madeClipStep(api, made, label));
  }

  async function merge(): Promise<void> {
    const made = await api.mergeTexts({ selection: selected() });
    done(made.created ? 'Merged the texts into a new text clip' : 'These texts were merged before: that clip is still there', madeClipStep(api, made, 'Merge texts'));
  }

  async function undoLatest(): Promise<void> {
    const label = await undo.undo();
    if (label === null) return;
    await sync.refreshNow();
    ui.showToast(`Undone: ${label}`);
  }

  async function redoLatest(): Promise<void> {
    const label = await undo.redo();
    if (label === null) return;
    await sync.refreshNow();
    ui.showToast(`Redone: ${label}`);
  }

  return { changeTags, changeCollection, trashOrRestore, reanalyse, exportSelected, combine, merge, undoLatest, redoLatest };
}

function download(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.click();
}
