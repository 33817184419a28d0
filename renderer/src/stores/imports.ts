import { defineStore } from 'pinia';
import { computed, ref, shallowReactive } from 'vue';
import type { ImportFailure, ImportProgress } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';
import { useFileImporter } from '../composables/services.js';
import { useUiStore } from './ui.js';

/** A finished import without failures leaves the panel after this long. */
export const FINISHED_IMPORT_SHOWN_MS = 4_000;

/** An import as the panel shows it: the core's progress plus the files that never reached the core. */
export interface ImportEntry extends ImportProgress {
  /** Only this window knows of it: every file failed before the core got it, so nothing can be cancelled. */
  local: boolean;
}

/** Imports running or just finished, oldest first, as the core reports them. */
export const useImportsStore = defineStore('imports', () => {
  const api = useApi();
  const files = useFileImporter();
  const ui = useUiStore();
  const order = ref<string[]>([]);
  const progressById = shallowReactive(new Map<string, ImportProgress>());
  const uploadFailures = shallowReactive(new Map<string, ImportFailure[]>());
  const uploading = ref(0);
  let localImports = 0;

  async function importFiles(selected: File[]): Promise<void> {
    if (selected.length === 0) return;
    uploading.value++;
    try {
      const start = await files.importFiles(selected);
      if (start.importId === null) {
        const id = `local-${++localImports}`;
        uploadFailures.set(id, start.failed);
        record({ importId: id, done: 0, total: 0, imported: [], duplicates: [], failed: [], finished: true, cancelled: false });
        return;
      }
      if (start.failed.length > 0) uploadFailures.set(start.importId, start.failed);
      // Progress events may have come first; only start the entry if they did not.
      if (!progressById.has(start.importId)) {
        const handedOver = selected.length - start.failed.length;
        record({ importId: start.importId, done: 0, total: handedOver, imported: [], duplicates: [], failed: [], finished: false, cancelled: false });
      }
    } catch (error) {
      ui.showError(error, selected.length === 1 ? `import ${selected[0]?.name ?? 'the file'}` : `import ${selected.length} files`);
    } finally {
      uploading.value--;
    }
  }

  function onProgress(progress: ImportProgress): void {
    record(progress);
  }

  function record(progress: ImportProgress): void {
    const current = progressById.get(progress.importId);
    // An event can overtake a later one on its way; never go back.
    if (current && !isNewer(progress, current)) return;
    if (!current) order.value = [...order.value, progress.importId];
    progressById.set(progress.importId, progress);
    const failedBeforeCore = uploadFailures.get(progress.importId)?.length ?? 0;
    if (progress.finished && progress.failed.length === 0 && failedBeforeCore === 0) {
      setTimeout(() => dismiss(progress.importId), FINISHED_IMPORT_SHOWN_MS);
    }
  }

  async function cancel(importId: string): Promise<void> {
    try {
      await api.cancelImport({ importId });
    } catch (error) {
      ui.showError(error, 'cancel the import');
    }
  }

  function dismiss(importId: string): void {
    order.value = order.value.filter((id) => id !== importId);
    progressById.delete(importId);
    uploadFailures.delete(importId);
  }

  const imports = computed<ImportEntry[]>(() =>
    order.value.flatMap((id) => {
      const progress = progressById.get(id);
      if (!progress) return [];
      const early = uploadFailures.get(id) ?? [];
      return [
        {
          ...progress,
          done: progress.done + early.length,
          total: progress.total + early.length,
          failed: [...early, ...progress.failed],
          local: id.startsWith('local-'),
        },
      ];
    }),
  );

  const active = computed(() => imports.value.some((entry) => !entry.finished) || uploading.value > 0);

  return { imports, uploading, active, importFiles, onProgress, cancel, dismiss };
});

function isNewer(candidate: ImportProgress, current: ImportProgress): boolean {
  if (current.finished) return false;
  return candidate.finished || candidate.done >= current.done;
}
