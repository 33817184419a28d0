import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo/slim';
import type { ClipShotApi } from '../../../contract/api.js';
import type { ClipDetailDoc } from '../../../contract/clip-details.js';
import type { ShardDoc } from '../../../contract/shard-document.js';
import { onReconnect, type ConnectionStatus } from '../api/connection-status.js';
import { whenCoreConnected } from './core-peer.js';
import { sendChangesNow } from './send-now.js';
import { unsentEdits } from './unsent-edits.js';
import type { ClipDocuments, OpenedClipDocument } from './clip-documents.js';

/**
 * Clip documents through this window's automerge-repo: the core opens the clip's shard for this
 * window (openClipDocument), the Repo syncs it, and edits made here reach the core and every other
 * window that has it open. After a lost connection the core has forgotten what this window held
 * open, so it is asked again.
 */
export class RepoClipDocuments implements ClipDocuments {
  /** Clip id → how many times it is open in this window. */
  readonly #open = new Map<string, number>();

  constructor(
    private readonly repo: Repo,
    private readonly api: ClipShotApi,
    status: ConnectionStatus,
    /** Resolves once Automerge's WebAssembly is loaded (already, in Node). */
    private readonly automergeReady: Promise<void> = Promise.resolve(),
  ) {
    onReconnect(status, () => void this.#reopenAll());
  }

  async open(clipId: string): Promise<OpenedClipDocument> {
    await this.automergeReady;
    const ref = await this.api.openClipDocument({ id: clipId });
    await whenCoreConnected(this.repo);
    this.#open.set(ref.clipId, (this.#open.get(ref.clipId) ?? 0) + 1);
    let handle: DocHandle<ShardDoc>;
    let detail: DocHandle<ClipDetailDoc>;
    try {
      [handle, detail] = await Promise.all([this.repo.find<ShardDoc>(ref.documentUrl as AutomergeUrl), this.repo.find<ClipDetailDoc>(ref.detailUrl as AutomergeUrl)]);
      unsentEdits.watch(handle, () => sendChangesNow(this.repo, handle));
      unsentEdits.watch(detail, () => sendChangesNow(this.repo, detail));
    } catch (error) {
      this.#release(ref.clipId);
      throw error;
    }
    let closed = false;
    return {
      clipId: ref.clipId,
      handle,
      detail,
      close: () => {
        if (closed) return;
        closed = true;
        this.#release(ref.clipId);
      },
    };
  }

  #release(clipId: string): void {
    const count = this.#open.get(clipId) ?? 0;
    if (count <= 1) this.#open.delete(clipId);
    else this.#open.set(clipId, count - 1);
    this.api.closeClipDocument({ id: clipId }).catch(() => undefined);
  }

  async #reopenAll(): Promise<void> {
    for (const [clipId, count] of this.#open) {
      for (let i = 0; i < count; i++) await this.api.openClipDocument({ id: clipId }).catch(() => undefined);
    }
  }
}
