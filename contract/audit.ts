import { z } from 'zod';
/**
 * The audit log as the API and the app see it. An entry holds ids, sizes, names of methods and
 * providers: never clip content (no text, no titles, no image bytes).
 */
export const AUDIT_KINDS = [
  'unlock',
  'unlock-failed',
  'pair',
  'unpair',
  'plugin-install',
  'plugin-update',
  'plugin-rollback',
  'plugin-remove',
  'plugin-permissions',
  'ai-request',
  'export',
  'key-change',
  // `serve` beyond this device: a browser logged in, a login was refused, a session ended (expired or logged out).
  'serve-login',
  'serve-login-failed',
  'serve-session-end',
  // An entry point refused or slowed someone over its limit (throttled: one entry per limit and key a minute).
  'rate-limit',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const AUDIT_ACTOR_TYPES = ['device', 'plugin', 'person', 'cli'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

/** Who caused an entry: this device (the app or `serve`), a plugin, a person (a peer's device), the CLI. */
export interface AuditActor {
  type: AuditActorType;
  id: string;
}

/** Summary fields only: short scalars (ids, sizes, counts, method and provider names). */
export type AuditDetails = Record<string, string | number | boolean | null>;

export interface AuditEvent {
  kind: AuditKind;
  actor: AuditActor;
  details: AuditDetails;
  /** When it happened (ms since the epoch); default now. Set for entries noted while the library was closed. */
  at?: number;
}

export interface AuditEntryView {
  seq: number;
  at: number;
  kind: AuditKind;
  actor: AuditActor;
  details: AuditDetails;
  /** SHA-256 (hex) of the previous entry's canonical encoding; 64 zeros for the first. */
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  kind?: AuditKind;
  /** Entries at or after this time (ms since the epoch). */
  since?: number;
  limit?: number;
  /** From a previous page: entries older than this. */
  cursor?: string;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Newest first; null when there is nothing older. */
  nextCursor: string | null;
}

export type AuditProblem = 'edited' | 'missing' | 'out-of-chain' | 'unreadable' | 'truncated' | 'uncovered' | 'bad-head';

export interface AuditVerifyReport {
  ok: boolean;
  entries: number;
  /** The signed head's last seq, or 0 for an empty log. */
  headSeq: number;
  /** How the head is signed: the device's Ed25519 key (derived from its sync key) and/or the library key. */
  signedBy: Array<'device' | 'library'>;
  /** The first entry found wrong (null: none, or only the head is). */
  firstBadSeq: number | null;
  problem: AuditProblem | null;
  reason: string | null;
}

/** The app's Audit panel: the log page by page, newest first, and its check. */
export const AUDIT_REQUEST_SCHEMAS = {
  /** Entries newest first, by kind and from a time; `cursor` continues a previous page. */
  auditLog: z
    .object({
      kind: z.enum(AUDIT_KINDS).optional(),
      since: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      cursor: z.string().regex(/^\d{1,15}$/, 'not an audit cursor').optional(),
    })
    .strict(),
  /** Checks the hash chain and the signed head; names the first entry found wrong. */
  verifyAudit: z.object({}).strict(),
} as const;

export interface AuditResults {
  auditLog: AuditPage;
  verifyAudit: AuditVerifyReport;
}
