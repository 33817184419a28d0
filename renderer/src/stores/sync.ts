import { defineStore } from 'pinia';
import { onScopeDispose, watch } from 'vue';
import { useApi } from '../api/use-api.js';
import { useConnectionStore } from './connection.js';
import { useImportsStore } from './imports.js';
import { useOverviewStore } from './overview.js';
import { useResultsStore } from './results.js';
import { useSelectionStore } from './selection.js';

/** Changes arrive in bursts (an import touches thousands of clips): refresh once they pause. */
export const REFRESH_DEBOUNCE_MS = 250;

/** Keeps what the window shows in step with the core: its events, and a reconnect after a lost connection. */
export const useSyncStore = defineStore('sync', () => {
  const api = useApi();
  const overview = useOverviewStore();
  const results = useResultsStore();
  const imports = useImportsStore();
  const connection = useConnectionStore();
  const selection = useSelectionStore();
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Refetches what is shown. The selected clip stays selected if it only moved; if it is gone, the one now at its place is. */
  async function refreshNow(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const selectedId = selection.selectedClip?.id;
    await Promise.all([overview.refresh(), results.refresh()]);
    const movedTo = selectedId === undefined ? null : results.indexOfClip(selectedId);
    if (movedTo !== null && movedTo !== selection.index) selection.select(movedTo);
  }

  function scheduleRefresh(): void {
    clearTimeout(timer);
    timer = setTimeout(() => void refreshNow(), REFRESH_DEBOUNCE_MS);
  }

  const unsubscribe = api.onEvent((event) => {
    if (event.type === 'library-changed') scheduleRefresh();
    else if (event.type === 'import-progress') imports.onProgress(event.progress);
  });
  onScopeDispose(() => {
    unsubscribe();
    clearTimeout(timer);
  });

  // Events sent while the connection was down are lost: catch up once it is back.
  watch(
    () => connection.recoveries,
    () => void refreshNow(),
  );

  void overview.refresh();

  return { refreshNow, scheduleRefresh };
});
