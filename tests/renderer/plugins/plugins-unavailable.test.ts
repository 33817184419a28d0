// Settings → Plugins on a core that runs no plugins: the panel shows the core's own answer.
import { describe, expect, test } from 'vitest';
import { openSettingsAt, text } from '../models/ai-settings-harness.js';
import { usePluginsHarness } from './plugins-harness.js';

describe('without a plugin host', () => {
  usePluginsHarness({ plugins: false });

  test('says this instance runs no plugins (the core’s own answer)', async () => {
    await openSettingsAt('plugins', 'plugins-unavailable');
    expect(text('plugins-unavailable')).toBe('This instance of ClipShot does not run plugins.');
  });
});
