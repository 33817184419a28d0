import type { Repo } from '@automerge/automerge-repo/slim';

/** Long enough for a busy machine to start the core's side; after it, finding reports the failure. */
const CONNECT_WAIT_MS = 15_000;

/**
 * Resolves once the window's Repo is connected to the core. The message-port adapter calls
 * itself ready 50 ms after it starts, peer or not, and a document asked for with no peer is
 * "unavailable" at once: on a busy machine, a clip opened as the window starts would fail.
 */
export function whenCoreConnected(repo: Repo, waitMs = CONNECT_WAIT_MS): Promise<void> {
  if (repo.peers.length > 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      repo.networkSubsystem.off('peer', done);
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    // Registered after the Repo's own listener, so the peer is known to its synchronizer by now.
    repo.networkSubsystem.on('peer', done);
  });
}
