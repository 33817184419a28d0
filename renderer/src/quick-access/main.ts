// The quick-access card page (quick-access.html?clip=ID): its own entry, opened by the desktop app
// in a screen corner after a capture, and by `clipshot serve` in a browser (for tests).
import { createApp } from 'vue';
import { ApiError, requestsThrough } from '../../../contract/api.js';
import type { QuickAccessShell } from '../../../contract/capture/quick-access.js';
import { mediaPath } from '../../../contract/media.js';
import type { ElectronBridge } from '../api/connect.js';
import { WebSocketApiClient } from '../api/websocket-api.js';
import { describeError } from '../lib/describe-error.js';
import { browserQuickAccessBridge, shellQuickAccessBridge, type QuickAccessApi, type QuickAccessBridge } from './quick-access-bridge.js';
import QuickAccessCard from './QuickAccessCard.vue';
import '../styles/theme.css';
import './quick-access.css';

/** The desktop app's preload, or `serve`'s WebSocket: the same API either way. */
function connect(): QuickAccessApi {
  const bridge = (window as unknown as { clipshot?: ElectronBridge }).clipshot;
  if (!bridge) {
    const socketOrigin = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
    return new WebSocketApiClient(`${socketOrigin}/api`, location.origin).api;
  }
  // Errors cross the context bridge as plain objects: they become ApiErrors again here.
  const requests = requestsThrough((method, params) => (bridge[method] as (params: unknown) => Promise<unknown>)(params).catch((error: unknown) => Promise.reject(ApiError.from(error))));
  return { ...requests, mediaUrl: (clipId, media, options) => `${location.origin}${mediaPath(clipId, media, options)}` };
}

function bridgeFor(clipId: string): QuickAccessBridge {
  const api = connect();
  const shell = (window as unknown as { clipshotQuickAccess?: QuickAccessShell }).clipshotQuickAccess;
  if (shell) return shellQuickAccessBridge(api, shell, clipId);
  return browserQuickAccessBridge(
    api,
    clipId,
    (url) => location.assign(url),
    () => {
      document.documentElement.dataset.dismissed = 'true';
      window.close();
    },
  );
}

async function start(): Promise<void> {
  const root = document.getElementById('quick-access');
  if (!root) throw new Error('quick-access.html has no #quick-access element');
  const clipId = new URLSearchParams(location.search).get('clip') ?? '';
  try {
    if (!/^[0-9a-z]{26}$/.test(clipId)) throw new Error('this page shows a saved capture: open it as quick-access.html?clip=ID');
    const bridge = bridgeFor(clipId);
    const input = await bridge.input();
    const after = Number(new URLSearchParams(location.search).get('dismissAfter'));
    createApp(QuickAccessCard, { bridge, input, ...(after > 0 && { autoDismissMs: after }) }).mount(root);
    document.documentElement.dataset.ready = 'true';
  } catch (error) {
    const message = document.createElement('p');
    message.className = 'quick-access-boot';
    message.dataset.testid = 'quick-access-error';
    message.textContent = describeError(error, 'show the capture');
    root.replaceChildren(message);
  }
}

void start();
