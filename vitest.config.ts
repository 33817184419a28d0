import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Tests spawn real child processes, ffmpeg, scrypt and Chromium; a 2-core machine needs headroom.
// expect.poll waits for what the app does on its own time (a sync, a refresh after an event): its
// default second is too short on a loaded CI machine, and a wait that succeeds returns at once.
const shared = { testTimeout: 60_000, hookTimeout: 60_000, expect: { poll: { timeout: 10_000 } } };

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'core', include: ['tests/**/*.test.ts'], exclude: ['tests/renderer/**', 'tests/e2e/**'] } },
      // Components run in happy-dom, against the real core through tests/helpers/direct-api.ts.
      { plugins: [vue()], test: { ...shared, name: 'renderer', include: ['tests/renderer/**/*.test.ts'], environment: 'happy-dom' } },
      // A real `clipshot serve` driven through Debian's Chromium.
      { test: { ...shared, name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 120_000 } },
    ],
  },
});
