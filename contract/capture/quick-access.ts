// The quick-access card (renderer quick-access.html?clip=ID) and the desktop app's side of it.
// The page sends its actions on one IPC channel; the preload repeats the channel name (it can
// import nothing at run time), and main checks that the sender is the card of that clip.

export const QUICK_ACCESS_CHANNEL = 'clipshot-quick-access';

export const QUICK_ACCESS_ACTIONS = ['annotate', 'pin', 'copy', 'dismiss', 'start-drag'] as const;
export type QuickAccessAction = (typeof QUICK_ACCESS_ACTIONS)[number];

export interface QuickAccessMessage {
  action: QuickAccessAction;
  clipId: string;
}

/** What the Electron preload exposes to the card as `window.clipshotQuickAccess`. */
export interface QuickAccessShell {
  annotate(clipId: string): void;
  pin(clipId: string): void;
  copy(clipId: string): void;
  dismiss(clipId: string): void;
  /** The OS drag of the clip's picture as a file; called from the page's dragstart. */
  startDrag(clipId: string): void;
}

export function isQuickAccessMessage(value: unknown): value is QuickAccessMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { action, clipId } = value as Record<string, unknown>;
  return typeof clipId === 'string' && /^[0-9a-z]{26}$/.test(clipId) && QUICK_ACCESS_ACTIONS.includes(action as QuickAccessAction);
}
