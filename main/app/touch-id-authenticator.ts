// Touch ID through Electron's systemPreferences: the only OS authentication Electron offers.
// Windows Hello and Linux (polkit, fprintd) have no Electron API, so there it offers nothing and
// the lock screen shows only the passphrase. Electron comes in as `preferences` (main.ts passes
// systemPreferences), so this runs in plain Node under test.
import type { OsAuthenticator } from '../security/lock/os-authenticator.js';

/** The part of Electron's systemPreferences used here (macOS only). */
export interface TouchIdPreferences {
  canPromptTouchID(): boolean;
  /** Resolves when the person is confirmed; rejects when not (cancelled, no match, locked out). */
  promptTouchID(reason: string): Promise<void>;
}

export function touchIdAuthenticator(preferences: TouchIdPreferences, platform: NodeJS.Platform = process.platform): OsAuthenticator {
  const onMac = platform === 'darwin';
  return {
    name: 'Touch ID',
    offered: () => onMac && preferences.canPromptTouchID(),
    verify: async (reason) => {
      if (!onMac) throw new Error(`Touch ID is only on macOS, not ${platform}`);
      try {
        await preferences.promptTouchID(reason);
        return true;
      } catch {
        // Electron rejects for every outcome but success, with the OS's localised text: a cancel,
        // a wrong finger and a lockout all mean the person was not confirmed, and are answered so.
        return false;
      }
    },
  };
}
