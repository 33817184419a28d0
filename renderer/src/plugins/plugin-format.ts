// How the Plugins panel says what a plugin may do, where it stands and how an install goes.
import type { PluginInstallStage, PluginOperationProgress } from '../../../contract/api.js';
import type { InstalledPluginView, PluginPermission, PluginStatus } from '../../../contract/plugins.js';
import { formatBytes } from '../clip/detail-format.js';

/** What granting the permission lets the plugin do, in words a person decides on. */
export function permissionText(permission: PluginPermission): string {
  switch (permission) {
    case 'clips:read':
      return 'Read your clips: titles, notes, tags and text';
    case 'clips:write':
      return 'Create clips and change their titles, notes and tags';
    case 'blobs:read':
      return 'Read the pictures and videos of your clips';
    case 'ui:panel':
      return 'Show a panel in ClipShot';
    case 'clipboard':
      return 'Put text on the clipboard';
    default:
      return `Send and receive data over the internet, to ${permission.slice('net:'.length)} only`;
  }
}

const STATUS_TEXT: Record<PluginStatus, string> = {
  inactive: 'Not running (starts when needed)',
  starting: 'Starting',
  active: 'Running',
  crashed: 'Crashed',
  stopped: 'Stopped',
  disabled: 'Turned off',
  invalid: 'Cannot run',
};

export function statusText(status: PluginStatus): string {
  return STATUS_TEXT[status];
}

export function signatureText(signature: InstalledPluginView['signature']): string {
  return signature === 'unsigned' ? 'Unsigned (you allowed it)' : `Signed by a trusted publisher, key ${signature.keyFingerprint}`;
}

export function sourceText(source: InstalledPluginView['source']): string {
  return source === 'registry' ? 'Marketplace' : source === 'tarball' ? 'A package file' : 'A folder (development)';
}

const STAGE_TEXT: Record<PluginInstallStage, string> = {
  resolving: 'Finding the version to install',
  downloading: 'Downloading',
  verifying: 'Checking the package’s integrity and signature',
  extracting: 'Unpacking',
  activating: 'Starting the plugin',
};

/** "Downloading 12 KB of 40 KB". */
export function progressText(progress: PluginOperationProgress): string {
  const stage = STAGE_TEXT[progress.stage];
  if (progress.stage !== 'downloading' || progress.receivedBytes === 0) return `${stage}…`;
  return progress.totalBytes === null ? `${stage} ${formatBytes(progress.receivedBytes)}…` : `${stage} ${formatBytes(progress.receivedBytes)} of ${formatBytes(progress.totalBytes)}…`;
}

/** The other installed versions, newest first: what a person can roll back to. */
export function rollbackVersions(plugin: InstalledPluginView): string[] {
  return plugin.versions.filter((version) => version !== plugin.version);
}

export function logTime(at: number): string {
  return new Date(at).toISOString().slice(0, 19).replace('T', ' ');
}
