// IPC between the windows and the core: the API (one invoke channel per method), events pushed
// to every window, and a MessageChannel per page for Automerge documents.
import { BrowserWindow, ipcMain, MessageChannelMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { API_EVENT_CHANNEL, DOCUMENT_PORT_CHANNEL, DOCUMENT_PORT_REQUEST_CHANNEL, registerApiHandlers } from './api-ipc.js';
import type { DesktopCore } from './desktop-core.js';
import { ValidatedIpcMain } from './validated-ipc.js';

export function registerIpc(core: DesktopCore): () => void {
  const ipc = new ValidatedIpcMain<IpcMainInvokeEvent>(ipcMain, (error) => console.warn(`ClipShot: ${error.message}`));
  registerApiHandlers(
    ipc,
    (event, method, params) => core.windows.dispatch(event.sender.id, method, params),
    (error) => console.error('ClipShot: an API call failed:', error),
  );
  ipc.handle(DOCUMENT_PORT_REQUEST_CHANNEL, (event) => {
    const { port1, port2 } = new MessageChannelMain();
    core.windows.connectDocumentPort(event.sender.id, port1);
    // The sender check ran just now, so the frame is there.
    event.senderFrame?.postMessage(DOCUMENT_PORT_CHANNEL, null, [port2]);
    return null;
  });
  const stopEvents = core.api.onEvent((event) => {
    for (const window of BrowserWindow.getAllWindows()) if (!window.webContents.isDestroyed()) window.webContents.send(API_EVENT_CHANNEL, event);
  });
  return () => {
    stopEvents();
    ipc.removeAll();
  };
}

/** A page's session and document ports end with the page: on reload, navigation, crash or close. */
export function releaseWithPage(core: DesktopCore, contents: WebContents): void {
  const windowId = contents.id;
  const release = () => core.windows.release(windowId);
  contents.on('did-navigate', release);
  contents.on('render-process-gone', release);
  contents.once('destroyed', release);
}
