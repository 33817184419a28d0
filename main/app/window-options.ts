// Only types come from electron here, so this module loads in plain Node (unit tests).
import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The main window: a sandboxed, context-isolated page that reaches main only through the
 * preload's bridge. Every option that weakens that is spelled out, so a reader sees it off.
 */
export function mainWindowOptions(preloadPath: string, platform: NodeJS.Platform, backgroundColor: string): BrowserWindowConstructorOptions {
  return {
    title: 'ClipShot',
    width: 1280,
    height: 820,
    minWidth: 640,
    minHeight: 420,
    backgroundColor,
    // Shown on ready-to-show: no white flash before the first paint.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Dropping a file imports it (the renderer handles the drop); it must never navigate to it.
      navigateOnDragDrop: false,
      safeDialogs: true,
      // macOS and Windows spell-check with the system's dictionaries; on Linux Chromium would
      // download Hunspell dictionaries from Google's servers, and nothing leaves the device unasked.
      spellcheck: platform === 'darwin' || platform === 'win32',
    },
  };
}
