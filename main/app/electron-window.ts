// The window and the rules every page in the app lives by: no navigation, no new windows, no
// webviews; links to the web or to mail open in the system's apps.
import { BrowserWindow, nativeTheme, shell, type WebContents } from 'electron';
import { APP_ENTRY_URL } from './app-url.js';
import { decideNavigation, decideWindowOpen, type NavigationDecision } from './external-url.js';
import { mainWindowOptions } from './window-options.js';

/** How long after a held-up close or reload it is tried again (the page's SEND_GRACE_MS, and a little). */
const UNLOAD_RETRY_MS = 700;

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(preloadPath, process.platform, nativeTheme.shouldUseDarkColors ? '#1f1f1f' : '#ffffff'));
  window.once('ready-to-show', () => window.show());
  retryHeldUpUnloads(window);
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/**
 * The page holds up closing or reloading while its last edits are on their way to the core
 * (renderer/src/documents/unsent-edits.ts). Electron shows no dialog for that: the close or reload
 * is simply done again a moment later, when the edits are out.
 */
function retryHeldUpUnloads(window: BrowserWindow): void {
  let closing = false;
  window.on('close', () => {
    closing = true;
  });
  window.webContents.on('will-prevent-unload', () => {
    const wasClosing = closing;
    closing = false;
    setTimeout(() => {
      if (window.isDestroyed()) return;
      if (wasClosing) window.close();
      else window.webContents.reload();
    }, UNLOAD_RETRY_MS);
  });
}

/** For every web contents the app ever creates (app 'web-contents-created'). */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    const decision = decideNavigation(event.url);
    if (decision.action === 'allow') return;
    event.preventDefault();
    openIfExternal(decision);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openIfExternal(decideWindowOpen(url));
    return { action: 'deny' };
  });
}

function openIfExternal(decision: NavigationDecision): void {
  if (decision.action === 'open-external') shell.openExternal(decision.url).catch((error: unknown) => console.error(`ClipShot: cannot open ${decision.url}:`, error));
}
