import { AUDIT_KINDS, type AuditEntryView, type AuditKind, type AuditQuery, type AuditVerifyReport } from '../../contract/audit.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import type { Library } from '../library/library.js';
import { existingDeviceHeadSigner } from '../security/audit/device-head-key.js';
import { parseDate } from './library-commands.js';
import { UsageError } from './parse-args.js';
import { availableKeychain } from './unlock.js';

const PAGE = 1000;

/** `clipshot audit [--json] [--verify] [--kind K] [--since DATE]`: the log oldest first, or its check (exit 1 when it fails). */
export async function runAuditCommand(library: Library, request: CommandRequest, output: CommandOutput): Promise<number> {
  const json = request.options.json === true;
  if (request.options.verify === true) {
    const report = library.audit.verify(await existingDeviceHeadSigner(library, await availableKeychain()));
    if (json) output.stdout(`${JSON.stringify(report)}\n`);
    else output.stdout(`${formatVerifyReport(report)}\n`);
    if (!report.ok) output.stderr(`clipshot: the audit log failed verification: ${report.reason}\n`);
    return report.ok ? 0 : 1;
  }
  const query = auditQuery(request);
  const entries: AuditEntryView[] = [];
  let cursor: string | undefined;
  do {
    const page = library.audit.list({ ...query, limit: PAGE, ...(cursor !== undefined && { cursor }) });
    entries.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  entries.reverse();
  if (json) output.stdout(`${JSON.stringify(entries)}\n`);
  else for (const entry of entries) output.stdout(`${formatEntry(entry)}\n`);
  return 0;
}

function auditQuery(request: CommandRequest): AuditQuery {
  const query: AuditQuery = {};
  const kind = request.options.kind;
  if (typeof kind === 'string') {
    if (!(AUDIT_KINDS as readonly string[]).includes(kind)) throw new UsageError(`audit: --kind must be one of ${AUDIT_KINDS.join(', ')}`);
    query.kind = kind as AuditKind;
  }
  const since = request.options.since;
  if (typeof since === 'string') query.since = parseDate(since, '--since');
  return query;
}

function formatEntry(entry: AuditEntryView): string {
  const details = Object.entries(entry.details)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return `${String(entry.seq).padStart(6)}  ${new Date(entry.at).toISOString()}  ${entry.kind.padEnd(18)}  ${entry.actor.type}:${entry.actor.id}  ${details}`;
}

export function formatVerifyReport(report: AuditVerifyReport): string {
  const signed = report.signedBy.length > 0 ? `head signed by the ${report.signedBy.join(' and ')} key` : 'no head (empty log)';
  if (report.ok) return `audit log intact: ${report.entries} entr${report.entries === 1 ? 'y' : 'ies'}, ${signed}`;
  return `audit log FAILED at ${report.firstBadSeq === null ? 'its head' : `entry ${report.firstBadSeq}`} (${report.problem}): ${report.reason}`;
}
