import type { AuditActor, AuditDetails } from '../../contract/audit.js';
import type { AuditRecorder } from '../security/audit/audit-log.js';

export type PluginChangeKind = 'plugin-install' | 'plugin-update' | 'plugin-rollback' | 'plugin-remove';

/**
 * Records a change to the installed plugins, by whoever made it (the app, `serve`, the CLI), and
 * the permissions it granted as an entry of their own, so a filter on grants finds every one.
 */
export function auditPluginChange(audit: AuditRecorder | null | undefined, actor: AuditActor, kind: PluginChangeKind, pluginId: string, details: AuditDetails): void {
  if (!audit) return;
  audit.record({ kind, actor, details: { plugin: pluginId, ...details } });
  if (typeof details.granted === 'string' && details.granted !== '') audit.record({ kind: 'plugin-permissions', actor: { type: 'plugin', id: pluginId }, details: { granted: details.granted } });
}
