import type { AuditRecorder } from '../audit/audit-log.js';
import { PendingAuditJournal } from '../audit/pending-journal.js';
import type { Library } from '../../library/library.js';

/**
 * For what outlives each opening of the library (the login, the control socket's and the server's
 * rate limits): entries go to the open library's log, or, while it is locked, into the pending
 * journal beside it until the next open, as failed unlocks do.
 */
export function lockedAudit(openLibrary: () => Library | null, pendingFile: string): AuditRecorder {
  return {
    record: (event) => {
      const library = openLibrary();
      if (library) return library.audit.record(event);
      const journal = new PendingAuditJournal(pendingFile);
      journal.record(event);
      void journal.flush().catch(() => undefined);
    },
  };
}
