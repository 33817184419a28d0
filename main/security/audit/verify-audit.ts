import { AUDIT_ACTOR_TYPES, AUDIT_KINDS, type AuditDetails, type AuditKind, type AuditProblem, type AuditVerifyReport } from '../../../contract/audit.js';
import type { LibraryDatabase } from '../../library/database.js';
import { canonicalHead, entryHash, GENESIS_HASH } from './canonical.js';
import { libraryMacMatches, verifyDeviceSignature } from './head-signers.js';

export interface AuditRow {
  seq: number;
  at: number;
  kind: string;
  actor_type: string;
  actor_id: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface HeadRow {
  seq: number;
  hash: string;
  library_mac: string;
  device_public: string | null;
  device_signature: string | null;
}

export interface HeadKeys {
  libraryId: string;
  auditKey: Buffer;
  /** This device's head-signing public key when this context holds the device key, else null. */
  devicePublicKey: string | null;
}

export function readAuditRows(db: LibraryDatabase): Iterable<AuditRow> {
  return db.prepare('SELECT seq, at, kind, actor_type, actor_id, details, prev_hash, hash FROM audit_log ORDER BY seq').iterate() as Iterable<AuditRow>;
}

export function parseDetails(text: string): AuditDetails | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as AuditDetails) : null;
  } catch {
    return null;
  }
}

/**
 * Walks the log in seq order. Each entry must carry the next seq, the hash of the entry before it
 * (so a removed, inserted or moved entry breaks the chain where it happened) and a hash that its
 * own content still gives (so an edit shows where it was made). Then the head: its signatures must
 * hold, and it must name the last entry and its hash (so a cut tail, or an entry appended by
 * someone without the keys, shows too). The first problem found is reported.
 */
export function verifyAuditChain(rows: Iterable<AuditRow>, head: HeadRow | null, keys: HeadKeys): AuditVerifyReport {
  const signedBy: AuditVerifyReport['signedBy'] = [];
  let count = 0;
  let expected = 1;
  let previousHash = GENESIS_HASH;
  const fail = (firstBadSeq: number | null, problem: AuditProblem, reason: string): AuditVerifyReport => ({ ok: false, entries: count, headSeq: head?.seq ?? 0, signedBy, firstBadSeq, problem, reason });

  for (const row of rows) {
    count += 1;
    if (row.seq > expected) return fail(expected, 'missing', `entry ${expected} is missing (deleted): the log goes from entry ${expected - 1} to entry ${row.seq}`);
    if (row.seq !== expected) return fail(row.seq, 'out-of-chain', `entry ${row.seq} is out of order`);
    if (row.prev_hash !== previousHash) {
      return fail(row.seq, 'out-of-chain', `entry ${row.seq} does not follow entry ${row.seq - 1} (its previous-entry hash differs): entries were inserted, removed or reordered here`);
    }
    const details = parseDetails(row.details);
    if (details === null) return fail(row.seq, 'unreadable', `entry ${row.seq} cannot be read (its details are not a JSON object): it was edited`);
    const kindKnown = (AUDIT_KINDS as readonly string[]).includes(row.kind) && (AUDIT_ACTOR_TYPES as readonly string[]).includes(row.actor_type);
    const hash = entryHash({ seq: row.seq, at: row.at, kind: row.kind as AuditKind, actor: { type: row.actor_type as 'cli', id: row.actor_id }, details, prevHash: row.prev_hash });
    if (!kindKnown || hash !== row.hash) return fail(row.seq, 'edited', `entry ${row.seq} was changed after it was written (its content no longer gives its hash)`);
    previousHash = row.hash;
    expected += 1;
  }
  const last = expected - 1;

  if (head === null) {
    return last === 0 ? { ok: true, entries: 0, headSeq: 0, signedBy, firstBadSeq: null, problem: null, reason: null } : fail(null, 'bad-head', 'the signed head of the log is missing');
  }
  const message = canonicalHead(keys.libraryId, head.seq, head.hash);
  if (!libraryMacMatches(keys.auditKey, message, head.library_mac)) return fail(null, 'bad-head', "the head's library-key signature does not match: the head was rewritten");
  signedBy.push('library');
  if (head.device_signature !== null || head.device_public !== null) {
    if (keys.devicePublicKey !== null && head.device_public !== keys.devicePublicKey) return fail(null, 'bad-head', 'the head is signed by a key that is not this device\'s');
    if (head.device_public === null || head.device_signature === null || !verifyDeviceSignature(head.device_public, message, head.device_signature)) {
      return fail(null, 'bad-head', "the head's device signature does not match: the head was rewritten");
    }
    signedBy.push('device');
  }
  if (head.seq > last) return fail(last + 1, 'truncated', `entries ${last + 1} to ${head.seq} are missing: the log was cut after entry ${last} (the signed head names entry ${head.seq})`);
  if (head.seq < last) return fail(head.seq + 1, 'uncovered', `entries ${head.seq + 1} to ${last} are not covered by the signed head: they were added without the library's key`);
  if (head.hash !== previousHash) return fail(last, 'edited', `entry ${last} is not the entry the signed head names: it was replaced`);
  return { ok: true, entries: count, headSeq: head.seq, signedBy, firstBadSeq: null, problem: null, reason: null };
}
