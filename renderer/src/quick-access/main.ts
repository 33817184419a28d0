// The quick-access card page (quick-access.html?clip=ID): its own entry, opened by the desktop app
// in a screen corner after a capture, and by `clipshot serve` in a browser (for tests).
import { createApp } from 'vue';
import { connectPageApi } from '../api/bridge-api.js';
import { bootPage } from '../lib/boot-page.js';
import type { QuickAccessShell } from '../../../contract/capture/quick-access.js';
import { browserQuickAccessBridge, shellQuickAccessBridge, type QuickAccessBridge } from './quick-access-bridge.js';
import QuickAccessCard from './QuickAccessCard.vue';
import '../styles/theme.css';
import './quick-access.css';

function bridgeFor(clipId: string): QuickAccessBridge {
  const api = connectPageApi();
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
  await bootPage('quick-access', { className: 'quick-access-boot', testid: 'quick-access-error', action: 'show the capture' }, async (root) => {
    const clipId = new URLSearchParams(location.search).get('clip') ?? '';
    if (!/^[0-9a-z]{26}$/.test(clipId)) throw new Error('this page shows a saved capture: open it as quick-access.html?clip=ID');
    const bridge = bridgeFor(clipId);
    const input = await bridge.input();
    const after = Number(new URLSearchParams(location.search).get('dismissAfter'));
    createApp(QuickAccessCard, { bridge, input, ...(after > 0 && { autoDismissMs: after }) }).mount(root);
  });
}

void start();
