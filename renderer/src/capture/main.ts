// The capture overlay page (capture.html?capture=ID): its own entry, opened by the desktop app in
// a window over each display, and by `clipshot serve --capture-input` in a browser for tests.
import { createApp } from 'vue';
import { connectPageApi } from '../api/bridge-api.js';
import { bootPage } from '../lib/boot-page.js';
import { apiCaptureBridge } from './capture-bridge.js';
import CaptureOverlay from './CaptureOverlay.vue';
import './capture.css';

async function start(): Promise<void> {
  await bootPage('capture', { className: 'capture-boot', testid: 'capture-error', action: 'open the capture' }, async (root) => {
    const captureId = new URLSearchParams(location.search).get('capture') ?? '';
    if (!/^[0-9a-f]{32}$/.test(captureId)) throw new Error('this page shows a capture: open it as capture.html?capture=ID');
    const bridge = apiCaptureBridge(connectPageApi(), captureId, location.origin);
    const input = await bridge.input();
    createApp(CaptureOverlay, { bridge, input }).mount(root);
  });
}

void start();
