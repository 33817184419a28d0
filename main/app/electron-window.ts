// The window and the rules every page in the app lives by: no navigation, no new windows, no
// webviews; links to the web or to mail open in the system's apps.
import { BrowserWindow, nativeTheme, shell, type WebContents } from 'electron';
import { APP_ENTRY_URL } from './app-url.js';
import { decideNavigation, decideWindowOpen, type NavigationDecision } from './external-url.js';
import { mainWindowOptions } from './window-options.js';

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(preloadPath, process.platform, nativeTheme.shouldUseDarkColors ? '#1f1f1f' : '#ffffff'));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
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
