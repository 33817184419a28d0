// The clipboard picker page (picker.html): its own entry, opened by the desktop app on the picker's
// global shortcut, and by `clipshot serve` in a browser (where a paste copies, for tests and home servers).
import { createApp } from 'vue';
import { connectPageApi } from '../api/bridge-api.js';
import { bootPage } from '../lib/boot-page.js';
import { apiPickerBridge } from './picker-bridge.js';
import ClipboardPicker from './ClipboardPicker.vue';
import '../styles/theme.css';
import './picker.css';

async function start(): Promise<void> {
  await bootPage('picker', { className: 'picker-boot', testid: 'picker-error', action: 'open the clipboard history' }, async (root) => {
    const bridge = apiPickerBridge(connectPageApi(), () => {
      document.documentElement.dataset.closed = 'true';
      window.close();
    });
    const items = await bridge.items();
    createApp(ClipboardPicker, { bridge, initialItems: items }).mount(root);
  });
}

void start();
