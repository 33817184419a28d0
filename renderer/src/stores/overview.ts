import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { LibraryOverview } from '../../../contract/api.js';
import { useApi } from '../api/use-api.js';
import { useUiStore } from './ui.js';

/** The sidebar's counts: kinds, tags, collections, trash. */
export const useOverviewStore = defineStore('overview', () => {
  const api = useApi();
  const ui = useUiStore();
  const overview = ref<LibraryOverview | null>(null);
  let latestRequest = 0;

  async function refresh(): Promise<void> {
    const request = ++latestRequest;
    try {
      const fresh = await api.overview({});
      if (request === latestRequest) overview.value = fresh;
    } catch (error) {
      if (request === latestRequest) ui.showError(error, 'load the library overview');
    }
  }

  return { overview, refresh };
});
