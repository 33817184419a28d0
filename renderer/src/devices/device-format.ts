// How the Devices panel words sync's state for a person.
import type { DeviceView, PairingInvitationView, SyncProgress, SyncStatus } from '../../../contract/devices.js';
import { formatRelativeTime } from '../clip/detail-format.js';

export function presenceText(device: DeviceView, now: number): string {
  if (device.online) return 'Online';
  if (device.lastSeenAt === null) return 'Not seen since pairing';
  return `Last seen ${formatRelativeTime(device.lastSeenAt, Math.max(now, device.lastSeenAt))}`;
}

export function pendingText(changes: number): string {
  if (changes === 0) return 'Nothing to send';
  return `${changes.toLocaleString()} ${changes === 1 ? 'change' : 'changes'} to send`;
}

export function syncStateText(status: SyncStatus): string {
  if (status.devices.length === 0) return 'Not paired with another device yet';
  if (status.state === 'syncing') return 'Syncing';
  if (status.state === 'idle') return 'Up to date';
  return 'Offline: no paired device is connected';
}

/** How far a sync has come (0..1), counting documents and files alike; null when nothing is pending. */
export function progressFraction(progress: SyncProgress): number | null {
  const pending = progress.documentsPending + progress.blobsPending;
  if (pending === 0) return null;
  const done = progress.documentsSynced + progress.blobsFetched;
  return done / (done + pending);
}

/** "4:59" until the invitation expires; never below 0:00. */
export function countdownText(expiresAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((expiresAt - now) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** What became of an invitation, once it is no longer waiting. */
export function invitationOutcome(invitation: PairingInvitationView): string {
  switch (invitation.state) {
    case 'waiting':
      return 'Waiting for the other device…';
    case 'paired':
      return `Paired with “${invitation.device?.name ?? 'the other device'}”.`;
    case 'expired':
      return 'This code has expired before another device used it.';
    case 'exhausted':
      return 'A wrong code was typed too many times, so this code no longer works.';
    case 'cancelled':
      return 'This code was cancelled (pairing was stopped or started again elsewhere).';
  }
}
