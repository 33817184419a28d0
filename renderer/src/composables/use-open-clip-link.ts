// The one way to ask the app window to open a clip: `#clip=ID` in its address. The quick-access
// card's Annotate leads here (a browser navigates to it; the desktop app's main process has the
// preload set it), and so can any link.
import { onBeforeUnmount, onMounted } from 'vue';
import { useSelectionStore } from '../stores/selection.js';

const CLIP_LINK = /^#clip=([0-9a-z]{26})$/;

export function useOpenClipLink(): void {
  const selection = useSelectionStore();
  const open = (): void => {
    const match = CLIP_LINK.exec(location.hash);
    if (!match) return;
    selection.openClipId = match[1]!;
    // Taken: the same link can ask again, and a reload does not reopen a clip closed since.
    history.replaceState(null, '', location.pathname + location.search);
  };
  onMounted(() => {
    open();
    window.addEventListener('hashchange', open);
  });
  onBeforeUnmount(() => window.removeEventListener('hashchange', open));
}
