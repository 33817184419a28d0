import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo/slim';
import { inject, type InjectionKey } from 'vue';
import type { ClipShotApi } from '../../../contract/api.js';
import type { SettingsDoc } from '../../../contract/settings-document.js';
import { onReconnect, type ConnectionStatus } from '../api/connection-status.js';
import { whenCoreConnected } from './core-peer.js';
import { sendChangesNow } from './send-now.js';
import { unsentEdits } from './unsent-edits.js';

/** The library's settings document, opened for live reading and editing through automerge-repo. */
export interface SettingsDocuments {
  /** The document's handle, ready; edit with handle.change(..., { message: settingsChangeMessage(area) }). */
  open(): Promise<DocHandle<SettingsDoc>>;
}

export const SETTINGS_DOCUMENTS_KEY: InjectionKey<SettingsDocuments> = Symbol('clipshot-settings-documents');

/** The window's settings document, or null where none is provided (a component mounted on its own). */
export function useSettingsDocuments(): SettingsDocuments | null {
  return inject(SETTINGS_DOCUMENTS_KEY, null);
}

/**
 * The settings document through this window's automerge-repo: the core opens it for this window
 * (openSettingsDocument) and the Repo syncs it, so a change made here reaches the core and every
 * other window at once. After a lost connection the core has forgotten that this window had it
 * open, so it is asked again.
 */
export class RepoSettingsDocuments implements SettingsDocuments {
  #opened: Promise<DocHandle<SettingsDoc>> | null = null;

  constructor(
    private readonly repo: Repo,
    private readonly api: ClipShotApi,
    status: ConnectionStatus,
    /** Resolves once Automerge's WebAssembly is loaded (already, in Node). */
    private readonly automergeReady: Promise<void> = Promise.resolve(),
  ) {
    onReconnect(status, () => {
      if (this.#opened) void this.api.openSettingsDocument({}).catch(() => undefined);
    });
  }

  open(): Promise<DocHandle<SettingsDoc>> {
    if (!this.#opened) {
      const opening = this.#open();
      opening.catch(() => {
        if (this.#opened === opening) this.#opened = null;
      });
      this.#opened = opening;
    }
    return this.#opened;
  }

  async #open(): Promise<DocHandle<SettingsDoc>> {
    await this.automergeReady;
    const { documentUrl } = await this.api.openSettingsDocument({});
    await whenCoreConnected(this.repo);
    const handle = await this.repo.find<SettingsDoc>(documentUrl as AutomergeUrl);
    if (!handle.isReady()) await handle.whenReady();
    unsentEdits.watch(handle, () => sendChangesNow(this.repo, handle));
    return handle;
  }
}
