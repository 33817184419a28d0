import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { ConnectionStatus } from '../api/connect.js';
import { useConnectionStatus } from '../composables/services.js';

export type ConnectionState = ConnectionStatus['state'];
/** What the banner says: nothing, still connecting (slowly) at start, or the connection was lost. */
export type ConnectionNotice = 'none' | 'connecting' | 'reconnecting' | 'offline';

/** A first connection that takes longer than this is worth saying so. */
export const SLOW_CONNECT_MS = 2_000;

/** The connection to the core as the window shows it, and when it came back after being lost. */
export const useConnectionStore = defineStore('connection', () => {
  const status = useConnectionStatus();
  const state = ref<ConnectionState>(status?.state ?? 'connected');
  const everConnected = ref(state.value === 'connected');
  /** How many times the connection came back after being lost (each time, events may have been missed). */
  const recoveries = ref(0);
  const slowStart = ref(false);

  if (status) {
    const unsubscribe = status.subscribe((next) => {
      if (next === 'connected' && state.value !== 'connected' && everConnected.value) recoveries.value++;
      if (next === 'connected') everConnected.value = true;
      state.value = next;
    });
    const slowTimer = setTimeout(() => (slowStart.value = true), SLOW_CONNECT_MS);
    onScopeDispose(() => {
      unsubscribe();
      clearTimeout(slowTimer);
    });
  }

  const notice = computed<ConnectionNotice>(() => {
    if (state.value === 'connected') return 'none';
    // Before the first connection, the client says 'reconnecting' while it opens: not a loss.
    if (!everConnected.value) return slowStart.value ? 'connecting' : 'none';
    return state.value;
  });

  return { state, notice, recoveries };
});
