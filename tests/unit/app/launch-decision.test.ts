import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary, runElectronDownload } from '../../../main/app-launcher/electron-binary.js';
import { decideLaunch, fallbackNotice, shouldTryDownload, type LaunchFacts } from '../../../main/app-launcher/launch-decision.js';
import { tempDir } from '../../helpers/temp.js';

const PRESENT = { path: '/opt/electron/electron' };
const MISSING = { missing: 'binary not downloaded' };
const DESKTOP: LaunchFacts = { platform: 'linux', electron: PRESENT, display: ':0', waylandDisplay: undefined, uid: 1000 };

describe('decideLaunch', () => {
  it('runs Electron when the binary is there and so is a display', () => {
    expect(decideLaunch(DESKTOP)).toEqual({ run: 'electron', binary: '/opt/electron/electron' });
    expect(decideLaunch({ ...DESKTOP, display: undefined, waylandDisplay: 'wayland-0' })).toEqual({ run: 'electron', binary: '/opt/electron/electron' });
  });

  it('needs no DISPLAY on macOS and Windows', () => {
    expect(decideLaunch({ ...DESKTOP, platform: 'darwin', display: undefined })).toMatchObject({ run: 'electron' });
    expect(decideLaunch({ ...DESKTOP, platform: 'win32', display: undefined, uid: null })).toMatchObject({ run: 'electron' });
  });

  it('serves when the binary was not downloaded', () => {
    expect(decideLaunch({ ...DESKTOP, electron: MISSING })).toEqual({ run: 'serve', reason: 'binary not downloaded' });
  });

  it('serves without a display on Linux and other X11/Wayland systems, an empty variable counting as none', () => {
    const reason = 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set';
    expect(decideLaunch({ ...DESKTOP, display: undefined })).toEqual({ run: 'serve', reason });
    expect(decideLaunch({ ...DESKTOP, display: '', waylandDisplay: '' })).toEqual({ run: 'serve', reason });
    expect(decideLaunch({ ...DESKTOP, platform: 'freebsd', display: undefined })).toEqual({ run: 'serve', reason });
  });

  it('serves as root on Linux, where the sandbox will not start, but not on macOS', () => {
    expect(decideLaunch({ ...DESKTOP, uid: 0 })).toEqual({ run: 'serve', reason: "running as root, where Chromium's sandbox does not start" });
    expect(decideLaunch({ ...DESKTOP, platform: 'darwin', uid: 0 })).toMatchObject({ run: 'electron' });
  });

  it('names every reason at once, the binary first', () => {
    expect(decideLaunch({ platform: 'linux', electron: { missing: 'binary not downloaded: no network' }, display: undefined, waylandDisplay: undefined, uid: 0 })).toEqual({
      run: 'serve',
      reason: "binary not downloaded: no network; no display: neither DISPLAY nor WAYLAND_DISPLAY is set; running as root, where Chromium's sandbox does not start",
    });
  });
});

describe('shouldTryDownload', () => {
  it('tries only when the binary is all that is missing, and never when disabled', () => {
    expect(shouldTryDownload({ ...DESKTOP, electron: MISSING }, false)).toBe(true);
    expect(shouldTryDownload({ ...DESKTOP, electron: MISSING }, true)).toBe(false);
    expect(shouldTryDownload(DESKTOP, false)).toBe(false);
    expect(shouldTryDownload({ ...DESKTOP, electron: MISSING, display: undefined }, false)).toBe(false);
    expect(shouldTryDownload({ ...DESKTOP, electron: MISSING, uid: 0 }, false)).toBe(false);
  });
});

describe('fallbackNotice', () => {
  it('says why in one line, and what happens instead', () => {
    expect(fallbackNotice('binary not downloaded: no network')).toBe('ClipShot: Electron is not available (binary not downloaded: no network); starting `clipshot serve` instead');
  });
});

describe('findElectronBinary', () => {
  it('reports the binary missing until an executable is where the electron package says', async () => {
    // ELECTRON_OVERRIDE_DIST_PATH is the electron package's own way to point at a binary elsewhere.
    const dist = await tempDir();
    process.env.ELECTRON_OVERRIDE_DIST_PATH = dist;
    try {
      expect(await findElectronBinary()).toEqual({ missing: 'binary not downloaded' });
      const binary = path.join(dist, process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron');
      await fs.mkdir(path.dirname(binary), { recursive: true });
      await fs.writeFile(binary, '#!/bin/sh\n', { mode: 0o755 });
      expect(await findElectronBinary()).toEqual({ path: binary });
    } finally {
      delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    }
  });
});

describe('runElectronDownload', () => {
  async function script(source: string): Promise<string> {
    const file = path.join(await tempDir(), 'install.js');
    await fs.writeFile(file, source);
    return file;
  }

  it('resolves to null when the install script succeeds', async () => {
    expect(await runElectronDownload(await script('process.exit(0)'), 10_000)).toBeNull();
  });

  it('says "no network" when the download cannot reach its server', async () => {
    const offline = await script("console.error('RequestError: getaddrinfo ENOTFOUND github.com'); process.exit(1)");
    expect(await runElectronDownload(offline, 10_000)).toBe('no network');
  });

  it('passes on the first line of any other failure', async () => {
    const broken = await script("console.error('\\nError: checksum mismatch for electron-v39.8.10-linux-x64.zip\\n    at verify (x.js:1:1)'); process.exit(1)");
    expect(await runElectronDownload(broken, 10_000)).toBe('download failed: Error: checksum mismatch for electron-v39.8.10-linux-x64.zip');
  });

  it('gives up after the timeout', async () => {
    const hanging = await script('setInterval(() => undefined, 1000)');
    const started = Date.now();
    expect(await runElectronDownload(hanging, 1000)).toBe('download timed out after 1 s');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
