import type { DocHandle, Repo } from '@automerge/automerge-repo/slim';

/**
 * Sends what the peers lack of a document at once, rather than after automerge-repo's 100 ms
 * batching: a page being closed may never run that timer (a browser's "leave?" prompt stops the
 * page's scripts until it closes). Starting the sync again makes automerge-repo send now.
 */
export function sendChangesNow(repo: Repo, handle: DocHandle<unknown>): void {
  void repo.synchronizer.docSynchronizers[handle.documentId]?.beginSync(repo.peers);
}
