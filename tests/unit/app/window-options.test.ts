import { describe, expect, it } from 'vitest';
import { appMenuTemplate } from '../../../main/app/app-menu.js';
import { isPermissionAllowed } from '../../../main/app/permission-policy.js';
import { mainWindowOptions } from '../../../main/app/window-options.js';

describe('the main window options', () => {
  const options = mainWindowOptions('/app/out/preload/index.cjs', 'linux', '#ffffff');
  const web = options.webPreferences!;

  it('isolates and sandboxes the page, with no Node in it', () => {
    expect(web).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
  });

  it('keeps web security on and every weakening option off', () => {
    expect(web).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, experimentalFeatures: false, navigateOnDragDrop: false });
  });

  it('loads the preload given, and shows the window only once painted', () => {
    expect(web.preload).toBe('/app/out/preload/index.cjs');
    expect(options.show).toBe(false);
  });

  it('spell-checks with the system on macOS and Windows, and not on Linux (no dictionary download)', () => {
    expect(web.spellcheck).toBe(false);
    expect(mainWindowOptions('/p', 'darwin', '#000').webPreferences!.spellcheck).toBe(true);
    expect(mainWindowOptions('/p', 'win32', '#000').webPreferences!.spellcheck).toBe(true);
  });
});

describe('permissions', () => {
  it('denies by default, even to the app', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'midi', 'openExternal', 'clipboard-read', 'display-capture', 'unknown']) {
      expect(isPermissionAllowed(permission, 'clipshot://app')).toBe(false);
    }
  });

  it('allows copying text and full-screen video to the app only', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'clipshot://app')).toBe(true);
    expect(isPermissionAllowed('fullscreen', 'clipshot://app/index.html')).toBe(true);
    expect(isPermissionAllowed('fullscreen', 'https://example.com')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'clipshot://other')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', '')).toBe(false);
  });
});

describe('the app menu', () => {
  it('offers developer tools only in development', () => {
    const roles = (packaged: boolean) => JSON.stringify(appMenuTemplate('linux', packaged));
    expect(roles(false)).toContain('toggleDevTools');
    expect(roles(true)).not.toContain('toggleDevTools');
  });

  it('has the application menu on macOS only, and Edit everywhere', () => {
    expect(appMenuTemplate('darwin', true).map((item) => item.role)).toContain('appMenu');
    expect(appMenuTemplate('linux', true).map((item) => item.role)).not.toContain('appMenu');
    expect(appMenuTemplate('win32', true).map((item) => item.role)).toContain('editMenu');
  });
});
