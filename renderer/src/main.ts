import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { connectToCore } from './api/connect.js';
import { API_KEY } from './api/use-api.js';
import { CONNECTION_STATUS_KEY, FILE_IMPORTER_KEY } from './composables/services.js';
import { CLIP_DOCUMENTS_KEY } from './documents/clip-documents.js';
import { SETTINGS_DOCUMENTS_KEY } from './documents/settings-documents.js';
import { describeError } from './lib/describe-error.js';
import { applyAppearance, readSystemPreferences } from './settings/appearance.js';
import { readAppearanceCopy } from './settings/appearance-copy.js';
import { unsentEdits } from './documents/unsent-edits.js';
import { useUiStore } from './stores/ui.js';
import App from './App.vue';
import LockScreen from './lock/LockScreen.vue';
import { isLockedError, readLockState, restartWhenLocked } from './lock/lock-guard.js';
import './styles/theme.css';
import './styles/base.css';

/** Without a connection there is no app to show: say so in words instead of leaving the window blank. */
function showStartupFailure(root: HTMLElement, error: unknown): void {
  const message = document.createElement('p');
  message.className = 'boot-message';
  message.dataset.testid = 'startup-error';
  message.textContent = describeError(error, 'connect to ClipShot');
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.className = 'button';
  retry.textContent = 'Try again';
  retry.addEventListener('click', () => location.reload());
  message.append(document.createElement('br'), retry);
  root.replaceChildren(message);
}

async function start(): Promise<void> {
  // The last appearance this browser showed, before anything else paints: the settings document
  // arrives only after the connection, and a flash of the wrong colours would come first.
  applyAppearance(readAppearanceCopy(), readSystemPreferences());
  const root = document.getElementById('app');
  if (!root) throw new Error('index.html has no #app element');
  let core;
  try {
    core = await connectToCore();
    // With clipshot:first-paint, tells how much of the time to first paint was the connection.
    performance.mark('clipshot:connected');
  } catch (error) {
    showStartupFailure(root, error);
    return;
  }

  // A locked core shows only the lock screen; unlocking starts the window afresh with the library.
  let lockState;
  try {
    lockState = await readLockState(core.api);
  } catch (error) {
    showStartupFailure(root, error);
    return;
  }
  if (lockState?.locked) {
    const lockScreen = createApp(LockScreen, { state: lockState, onUnlocked: () => location.reload() });
    lockScreen.provide(API_KEY, core.api);
    lockScreen.mount(root);
    return;
  }
  restartWhenLocked(core.api, () => location.reload());

  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia);
  app.provide(API_KEY, core.api);
  app.provide(CLIP_DOCUMENTS_KEY, core.documents);
  app.provide(SETTINGS_DOCUMENTS_KEY, core.settings);
  app.provide(CONNECTION_STATUS_KEY, core.status);
  app.provide(FILE_IMPORTER_KEY, core.files);

  // An error no component handled still reaches the person, as a message rather than a dead window.
  app.config.errorHandler = (error) => {
    if (isLockedError(error)) return location.reload();
    console.error(error);
    useUiStore(pinia).showError(error);
  };
  window.addEventListener('unhandledrejection', (event) => {
    if (isLockedError(event.reason)) return location.reload();
    console.error(event.reason);
    useUiStore(pinia).showError(event.reason);
  });

  app.mount(root);
  unsentEdits.guard(window);
}

void start();
