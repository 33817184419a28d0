// The clipboard picker page (picker.html): its own entry, opened by the desktop app on the picker's
// global shortcut, and by `clipshot serve` in a browser (where a paste copies, for tests and home servers).
import { createApp } from 'vue';
import { ApiError, requestsThrough } from '../../../contract/api.js';
import { mediaPath } from '../../../contract/media.js';
import type { ElectronBridge } from '../api/connect.js';
import { WebSocketApiClient } from '../api/websocket-api.js';
import { describeError } from '../lib/describe-error.js';
import { apiPickerBridge, type PickerApi } from './picker-bridge.js';
import ClipboardPicker from './ClipboardPicker.vue';
import '../styles/theme.css';
import './picker.css';

/** The desktop app's preload, or `serve`'s WebSocket: the same API either way. */
function connect(): PickerApi {
  const bridge = (window as unknown as { clipshot?: ElectronBridge }).clipshot;
  if (!bridge) {
    const socketOrigin = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
    return new WebSocketApiClient(`${socketOrigin}/api`, location.origin).api;
  }
  // Errors cross the context bridge as plain objects: they become ApiErrors again here.
  const requests = requestsThrough((method, params) => (bridge[method] as (params: unknown) => Promise<unknown>)(params).catch((error: unknown) => Promise.reject(ApiError.from(error))));
  return { ...requests, mediaUrl: (clipId, media, options) => `${location.origin}${mediaPath(clipId, media, options)}` };
}

async function start(): Promise<void> {
  const root = document.getElementById('picker');
  if (!root) throw new Error('picker.html has no #picker element');
  try {
    const bridge = apiPickerBridge(connect(), () => {
      document.documentElement.dataset.closed = 'true';
      window.close();
    });
    const items = await bridge.items();
    createApp(ClipboardPicker, { bridge, initialItems: items }).mount(root);
    document.documentElement.dataset.ready = 'true';
  } catch (error) {
    const message = document.createElement('p');
    message.className = 'picker-boot';
    message.dataset.testid = 'picker-error';
    message.textContent = describeError(error, 'open the clipboard history');
    root.replaceChildren(message);
  }
}

void start();
