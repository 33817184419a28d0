import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  // Relative URLs: Electron loads the page from a custom protocol, `serve` from `/`.
  base: './',
  plugins: [vue()],
  server: {
    // The renderer imports the shared contract from ../contract.
    fs: { allow: [repositoryRoot] },
  },
  build: {
    outDir: fileURLToPath(new URL('../out/web', import.meta.url)),
    emptyOutDir: true,
    // No data: URLs: the CSP allows images and scripts from 'self' only.
    assetsInlineLimit: 0,
    // Current Chromium, Firefox and Safari all support modulepreload; the polyfill is dead weight.
    modulePreload: { polyfill: false },
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    // One page per window kind: the app, the capture overlay the desktop app opens over each display, the clipboard picker it opens on its shortcut, the quick-access card a capture leaves in a screen corner, and a recording's hidden recorder and stop control.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        capture: fileURLToPath(new URL('./capture.html', import.meta.url)),
        picker: fileURLToPath(new URL('./picker.html', import.meta.url)),
        'quick-access': fileURLToPath(new URL('./quick-access.html', import.meta.url)),
        recorder: fileURLToPath(new URL('./recorder.html', import.meta.url)),
        'stop-control': fileURLToPath(new URL('./stop-control.html', import.meta.url)),
      },
    },
  },
});
