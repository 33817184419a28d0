import type { AuditActor } from '../../contract/audit.js';

/** Who the audit log names for what a command line does. */
export const CLI_ACTOR: AuditActor = { type: 'cli', id: 'clipshot' };
