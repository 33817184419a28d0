// The capture overlay page (capture.html?capture=ID): its own entry, opened by the desktop app in
// a window over each display, and by `clipshot serve --capture-input` in a browser for tests.
import { createApp } from 'vue';
import { ApiError, requestsThrough, type ClipShotApi } from '../../../contract/api.js';
import { mediaPath } from '../../../contract/media.js';
import type { ElectronBridge } from '../api/connect.js';
import { WebSocketApiClient } from '../api/websocket-api.js';
import { describeError } from '../lib/describe-error.js';
import { apiCaptureBridge } from './capture-bridge.js';
import CaptureOverlay from './CaptureOverlay.vue';
import './capture.css';

type CaptureApi = Pick<ClipShotApi, 'captureInput' | 'saveCapture' | 'cancelCapture' | 'mediaUrl'>;

/** The desktop app's preload, or `serve`'s WebSocket: the same API either way. */
function connect(): CaptureApi {
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
  const root = document.getElementById('capture');
  if (!root) throw new Error('capture.html has no #capture element');
  const captureId = new URLSearchParams(location.search).get('capture') ?? '';
  try {
    if (!/^[0-9a-f]{32}$/.test(captureId)) throw new Error('this page shows a capture: open it as capture.html?capture=ID');
    const api = connect();
    const bridge = apiCaptureBridge(api, captureId, location.origin);
    const input = await bridge.input();
    createApp(CaptureOverlay, { bridge, input }).mount(root);
    document.documentElement.dataset.ready = 'true';
  } catch (error) {
    const message = document.createElement('p');
    message.className = 'capture-boot';
    message.dataset.testid = 'capture-error';
    message.textContent = describeError(error, 'open the capture');
    root.replaceChildren(message);
  }
}

void start();
