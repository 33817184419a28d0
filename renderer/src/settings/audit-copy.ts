// Words for the Audit panel: each kind's name, who did it, a one-line summary of an entry's details
// (ids, sizes, names: the log holds no clip content), and the result of a check.
import type { AuditActor, AuditEntryView, AuditKind, AuditVerifyReport } from '../../../contract/audit.js';

export const AUDIT_KIND_LABELS: Record<AuditKind, string> = {
  unlock: 'Unlock',
  'unlock-failed': 'Failed unlock',
  pair: 'Device paired',
  unpair: 'Device unpaired',
  'plugin-install': 'Plugin installed',
  'plugin-update': 'Plugin updated',
  'plugin-rollback': 'Plugin rolled back',
  'plugin-remove': 'Plugin removed',
  'plugin-permissions': 'Plugin permissions',
  'ai-request': 'Remote AI request',
  export: 'Export',
  'key-change': 'Key change',
  'serve-login': 'Browser login',
  'serve-login-failed': 'Failed browser login',
  'serve-session-end': 'Browser session ended',
  'rate-limit': 'Rate limit',
};

const ACTOR_LABELS: Record<AuditActor['type'], string> = { device: 'This device', plugin: 'Plugin', person: 'Person', cli: 'Command line' };

export function actorText(actor: AuditActor): string {
  return actor.id ? `${ACTOR_LABELS[actor.type]} (${actor.id})` : ACTOR_LABELS[actor.type];
}

/** `bytes` read as a size; other fields as `name: value`, in the order they were recorded. */
export function summaryText(entry: AuditEntryView): string {
  const parts = Object.entries(entry.details)
    .filter(([, value]) => value !== null && value !== '')
    .map(([key, value]) => (key === 'bytes' && typeof value === 'number' ? `${formatBytes(value)}` : `${key}: ${String(value)}`));
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function verifyText(report: AuditVerifyReport): string {
  const count = `${report.entries} entr${report.entries === 1 ? 'y' : 'ies'}`;
  if (report.ok) {
    const signed = report.signedBy.length > 0 ? `; its head is signed with the ${report.signedBy.join(' and ')} key` : '';
    return `The audit log is intact: ${count} checked${signed}.`;
  }
  const where = report.firstBadSeq === null ? 'its signed head' : `entry ${report.firstBadSeq}`;
  return `The audit log failed the check at ${where}: ${report.reason ?? report.problem ?? 'unknown problem'}.`;
}
