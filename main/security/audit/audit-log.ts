import { AUDIT_ACTOR_TYPES, AUDIT_KINDS, type AuditEntryView, type AuditEvent, type AuditPage, type AuditQuery, type AuditVerifyReport } from '../../../contract/audit.js';
import type { LibraryDatabase } from '../../library/database.js';
import { canonicalHead, entryHash, GENESIS_HASH } from './canonical.js';
import { libraryHeadMac, libraryMacMatches, type DeviceHeadSigner } from './head-signers.js';
import { parseDetails, readAuditRows, verifyAuditChain, type AuditRow, type HeadRow } from './verify-audit.js';

/** What a subsystem is handed to note what it did: one call, never anything to read back. */
export interface AuditRecorder {
  record(event: AuditEvent): void;
}

export class AuditDetailsError extends Error {}

// Summary fields stay short scalars: a long string is what clip text would look like.
const MAX_STRING = 200;
const MAX_FIELDS = 16;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export function checkAuditEvent(event: AuditEvent): void {
  if (!(AUDIT_KINDS as readonly string[]).includes(event.kind)) throw new AuditDetailsError(`unknown audit kind "${event.kind}"`);
  if (!(AUDIT_ACTOR_TYPES as readonly string[]).includes(event.actor.type)) throw new AuditDetailsError(`unknown audit actor "${event.actor.type}"`);
  if (typeof event.actor.id !== 'string' || event.actor.id.length > MAX_STRING) throw new AuditDetailsError('an audit actor id is a short string');
  const entries = Object.entries(event.details);
  if (entries.length > MAX_FIELDS) throw new AuditDetailsError(`an audit entry has at most ${MAX_FIELDS} summary fields`);
  for (const [key, value] of entries) {
    const ok = value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= MAX_STRING);
    if (!ok) throw new AuditDetailsError(`audit field "${key}" must be a number, a boolean or a string of at most ${MAX_STRING} characters (ids and sizes, never content)`);
  }
}

/**
 * The library's audit log: entries appended in one transaction with the new signed head. Lives in
 * the library's encrypted database, so it is readable only with the library unlocked.
 */
export class AuditLog implements AuditRecorder {
  #device: DeviceHeadSigner | null = null;

  constructor(
    private readonly db: LibraryDatabase,
    private readonly libraryId: string,
    private readonly auditKey: Buffer,
  ) {}

  /** From now on the head also carries the device's signature; the current head is signed again. */
  useDeviceKey(signer: DeviceHeadSigner): void {
    this.#device = signer;
    this.db.transaction(() => {
      const head = this.#head();
      if (head) this.#writeHead(head.seq, head.hash);
    })();
  }

  record(event: AuditEvent): AuditEntryView {
    checkAuditEvent(event);
    return this.db.transaction(() => {
      const head = this.#head();
      const lastRow = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      // Never sign over a head this key did not sign, or over rows without one: the head stays
      // wrong, so verification keeps naming what was done, whatever is appended after it.
      const headIsOurs = head !== null && libraryMacMatches(this.auditKey, canonicalHead(this.libraryId, head.seq, head.hash), head.library_mac);
      const mayResign = (headIsOurs && lastRow?.seq === head.seq) || (head === null && lastRow === undefined);
      // Built on the signed head, not the last row: an append after a cut tail leaves a gap that verification names.
      const last = headIsOurs ? head : lastRow;
      // Past any row an intruder added, so that recording (and so unlocking) never fails on a taken seq.
      const entry = { seq: Math.max(last?.seq ?? 0, lastRow?.seq ?? 0) + 1, at: event.at ?? Date.now(), kind: event.kind, actor: { type: event.actor.type, id: event.actor.id }, details: { ...event.details }, prevHash: last?.hash ?? GENESIS_HASH };
      const hash = entryHash(entry);
      this.db
        .prepare('INSERT INTO audit_log (seq, at, kind, actor_type, actor_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(entry.seq, entry.at, entry.kind, entry.actor.type, entry.actor.id, JSON.stringify(entry.details), entry.prevHash, hash);
      if (mayResign) this.#writeHead(entry.seq, hash);
      return { ...entry, hash };
    })();
  }

  /** Newest first, filtered by kind and time; the cursor is the last seq of the previous page. */
  list(query: AuditQuery = {}): AuditPage {
    const limit = Math.min(Math.max(1, query.limit ?? DEFAULT_PAGE), MAX_PAGE);
    const before = query.cursor === undefined ? null : Number(query.cursor);
    if (before !== null && !Number.isSafeInteger(before)) throw new AuditDetailsError(`not an audit cursor: "${query.cursor}"`);
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log WHERE (@kind IS NULL OR kind = @kind) AND (@since IS NULL OR at >= @since) AND (@before IS NULL OR seq < @before)
         ORDER BY seq DESC LIMIT @limit`,
      )
      .all({ kind: query.kind ?? null, since: query.since ?? null, before, limit: limit + 1 }) as AuditRow[];
    const entries = rows.slice(0, limit).map(toView);
    return { entries, nextCursor: rows.length > limit ? String(entries[entries.length - 1]!.seq) : null };
  }

  /** Checks every entry and the head; `deviceKey` (when this context has it) must be the one that signed. */
  verify(deviceKey: DeviceHeadSigner | null = this.#device): AuditVerifyReport {
    return verifyAuditChain(readAuditRows(this.db), this.#head(), { libraryId: this.libraryId, auditKey: this.auditKey, devicePublicKey: deviceKey?.publicKey ?? null });
  }

  #head(): HeadRow | null {
    return (this.db.prepare('SELECT seq, hash, library_mac, device_public, device_signature FROM audit_head WHERE one = 1').get() as HeadRow | undefined) ?? null;
  }

  #writeHead(seq: number, hash: string): void {
    const message = canonicalHead(this.libraryId, seq, hash);
    this.db
      .prepare(
        `INSERT INTO audit_head (one, seq, hash, library_mac, device_public, device_signature) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, library_mac = excluded.library_mac,
           device_public = excluded.device_public, device_signature = excluded.device_signature`,
      )
      .run(seq, hash, libraryHeadMac(this.auditKey, message), this.#device?.publicKey ?? null, this.#device?.sign(message) ?? null);
  }
}

function toView(row: AuditRow): AuditEntryView {
  return { seq: row.seq, at: row.at, kind: row.kind as AuditEntryView['kind'], actor: { type: row.actor_type as AuditEntryView['actor']['type'], id: row.actor_id }, details: parseDetails(row.details) ?? { unreadable: true }, prevHash: row.prev_hash, hash: row.hash };
}
