// The clipboard picker's global shortcut, in contract/shortcut-spec.ts's terms, for the capture
// shortcuts' defaults and conflict checks (main/capture/capture-shortcuts.ts) to take in.
// Ctrl+Shift+V and ⇧⌘V would be the obvious keys, but apps use them to paste as plain text, and a
// global shortcut would take that away from every app; Windows keeps Win+V for its own history.

export const CLIPBOARD_PICKER_ACTION = 'clipboard-picker';
export const CLIPBOARD_PICKER_LABEL = 'Open the clipboard history';

export function defaultPickerShortcut(platform: NodeJS.Platform): string[] {
  return platform === 'darwin' ? ['Mod+Ctrl+V'] : ['Ctrl+Alt+V'];
}
