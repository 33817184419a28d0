import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { describeError } from '../lib/describe-error.js';

export interface ToastAction {
  label: string;
  run(): void | Promise<unknown>;
}

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  message: string;
  action: ToastAction | null;
}

export type FocusTarget = 'search' | 'grid' | 'bulk-tag' | 'bulk-collection' | 'timeline' | 'jump-to-date';
export type SettingsSection = 'keyboard' | 'appearance' | 'capture' | 'devices' | 'models' | 'ai' | 'plugins' | 'audit' | 'limits' | 'lock';

const TOAST_MS = { info: 5_000, error: 8_000 } as const;

export const useUiStore = defineStore('ui', () => {
  const toasts = ref<Toast[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let nextToastId = 1;

  function showToast(message: string, options: { kind?: Toast['kind']; action?: ToastAction } = {}): number {
    const kind = options.kind ?? 'info';
    // The same error many times over (a page that keeps failing) is one toast, kept up longer.
    const existing = toasts.value.find((toast) => toast.message === message && toast.kind === kind && !toast.action && !options.action);
    const id = existing?.id ?? nextToastId++;
    if (!existing) toasts.value.push({ id, kind, message, action: options.action ?? null });
    clearTimeout(timers.get(id));
    timers.set(id, setTimeout(() => dismissToast(id), TOAST_MS[kind]));
    return id;
  }

  function showError(error: unknown, doing?: string): number {
    return showToast(describeError(error, doing), { kind: 'error' });
  }

  function dismissToast(id: number): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }

  async function runToastAction(id: number): Promise<void> {
    const toast = toasts.value.find((candidate) => candidate.id === id);
    if (!toast?.action) return;
    dismissToast(id);
    try {
      await toast.action.run();
    } catch (error) {
      showError(error, toast.action.label.toLowerCase());
    }
  }

  const shortcutsOpen = ref(false);
  const paletteOpen = ref(false);
  /** The section the settings dialog shows; null while it is closed. */
  const settingsOpen = ref<SettingsSection | null>(null);
  /** A dialog over the window: only General commands' keys work meanwhile (the dialog's own, the palette). */
  const modalOpen = computed(() => shortcutsOpen.value || paletteOpen.value || settingsOpen.value !== null);

  // Components own their elements; they watch this to move focus when a command asks.
  const focusRequest = ref<{ target: FocusTarget; sequence: number }>({ target: 'grid', sequence: 0 });
  function requestFocus(target: FocusTarget): void {
    focusRequest.value = { target, sequence: focusRequest.value.sequence + 1 };
  }

  // The grid scrolls the clip at this index to the top of the view (a jump to a date).
  const scrollRequest = ref<{ index: number; sequence: number }>({ index: 0, sequence: 0 });
  function requestScrollTo(index: number): void {
    scrollRequest.value = { index, sequence: scrollRequest.value.sequence + 1 };
  }

  return { scrollRequest, requestScrollTo, toasts, showToast, showError, dismissToast, runToastAction, shortcutsOpen, paletteOpen, settingsOpen, modalOpen, focusRequest, requestFocus };
});
