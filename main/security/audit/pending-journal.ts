import fs from 'node:fs/promises';
import type { AuditEvent } from '../../../contract/audit.js';
import { libraryPaths } from '../../library/library-paths.js';
import { checkAuditEvent, type AuditRecorder } from './audit-log.js';

/**
 * Entries for a library whose database is not open here: a failed unlock (no key to open it) or
 * `clipshot keys` (which works on the key file alone, even while the app holds the database). They
 * wait in a small owner-only file beside the database, summary fields only, and go into the signed
 * log at the next open. Until then they are neither encrypted nor chained: deleting the file before
 * that open is the one thing this cannot show.
 */
export class PendingAuditJournal implements AuditRecorder {
  constructor(private readonly file: string) {}

  record(event: AuditEvent): void {
    checkAuditEvent(event);
    // Appended synchronously-enough for a process about to exit: callers await `flush`.
    this.#writes = this.#writes.then(() => fs.appendFile(this.file, `${JSON.stringify({ ...event, at: event.at ?? Date.now() })}\n`, { mode: 0o600 }));
  }

  #writes: Promise<void> = Promise.resolve();

  flush(): Promise<void> {
    return this.#writes;
  }
}

/** The journal of the library in `dir`, or null when there is no library there (nothing to record for). */
export async function pendingJournalOfLibrary(dir: string): Promise<PendingAuditJournal | null> {
  const paths = libraryPaths(dir);
  const exists = await fs.access(paths.keyFile).then(() => true, () => false);
  return exists ? new PendingAuditJournal(paths.auditPending) : null;
}

/** Moves the waiting entries into the log, then removes the file; a line that is not an entry is noted as such. */
export async function foldPendingAudit(file: string, log: AuditRecorder): Promise<number> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let folded = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const event = parseEvent(line);
    log.record(event ?? { kind: 'unlock-failed', actor: { type: 'device', id: 'unknown' }, details: { pendingLineUnreadable: true } });
    folded += 1;
  }
  await fs.rm(file, { force: true });
  return folded;
}

function parseEvent(line: string): AuditEvent | null {
  try {
    const value = JSON.parse(line) as AuditEvent;
    checkAuditEvent(value);
    return { kind: value.kind, actor: value.actor, details: value.details, ...(typeof value.at === 'number' && { at: value.at }) };
  } catch {
    return null;
  }
}
