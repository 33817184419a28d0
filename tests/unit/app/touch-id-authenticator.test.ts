// The Electron side of OS unlock, with systemPreferences faked (no Electron binary here): what it
// offers on each platform and how Electron's one rejection for every outcome is answered.
import { describe, expect, it } from 'vitest';
import { touchIdAuthenticator, type TouchIdPreferences } from '../../../main/app/touch-id-authenticator.js';

function preferences(options: { canPrompt: boolean; prompt?: () => Promise<void> }): TouchIdPreferences & { asked: string[]; checks: number } {
  const fake = {
    asked: [] as string[],
    checks: 0,
    canPromptTouchID: () => {
      fake.checks += 1;
      return options.canPrompt;
    },
    promptTouchID: (reason: string) => {
      fake.asked.push(reason);
      return options.prompt?.() ?? Promise.resolve();
    },
  };
  return fake;
}

describe('Touch ID through Electron', () => {
  it('on a Mac that can prompt: offered, true when the person is confirmed, false when Electron rejects (cancel, no match, lockout)', async () => {
    const confirming = preferences({ canPrompt: true });
    const touchId = touchIdAuthenticator(confirming, 'darwin');
    expect(touchId.name).toBe('Touch ID');
    expect(touchId.offered()).toBe(true);
    expect(await touchId.verify('unlock your library')).toBe(true);
    expect(confirming.asked).toEqual(['unlock your library']);

    const refusing = touchIdAuthenticator(preferences({ canPrompt: true, prompt: () => Promise.reject(new Error('Canceled by user.')) }), 'darwin');
    expect(await refusing.verify('unlock your library')).toBe(false);
  });

  it('on a Mac without a sensor (or none enrolled): not offered', () => {
    expect(touchIdAuthenticator(preferences({ canPrompt: false }), 'darwin').offered()).toBe(false);
  });

  it('on Windows and Linux: not offered (Electron has no Windows Hello or polkit), and never calls the macOS API', async () => {
    for (const platform of ['win32', 'linux'] as const) {
      const fake = preferences({ canPrompt: true });
      const touchId = touchIdAuthenticator(fake, platform);
      expect(touchId.offered()).toBe(false);
      await expect(touchId.verify('unlock your library')).rejects.toThrow(/only on macOS/);
      expect(fake.checks).toBe(0);
      expect(fake.asked).toEqual([]);
    }
  });
});
