import { createHash } from 'node:crypto';
import type { AuditEntryView } from '../../../contract/audit.js';

export const GENESIS_HASH = '0'.repeat(64);

/** An entry without its own hash: what that hash is computed over. */
export type ChainedFields = Omit<AuditEntryView, 'hash'>;

/**
 * The one encoding an entry is hashed in: a JSON array in a fixed order with the details' keys
 * sorted, so the same entry always gives the same bytes whatever order the fields were built in.
 */
export function canonicalEntry(entry: ChainedFields): string {
  const details = Object.keys(entry.details)
    .sort()
    .map((key) => [key, entry.details[key]]);
  return JSON.stringify(['clipshot-audit-v1', entry.seq, entry.at, entry.kind, entry.actor.type, entry.actor.id, details, entry.prevHash]);
}

export function entryHash(entry: ChainedFields): string {
  return createHash('sha256').update(canonicalEntry(entry), 'utf8').digest('hex');
}

/** What the head's signatures cover: the last seq and its hash (so a cut tail shows). */
export function canonicalHead(libraryId: string, seq: number, hash: string): Buffer {
  return Buffer.from(JSON.stringify(['clipshot-audit-head-v1', libraryId, seq, hash]), 'utf8');
}
