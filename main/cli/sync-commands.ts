import type { DeviceView, PairingInvitationView, SyncControl, SyncStatus } from '../../contract/devices.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { UsageError } from './parse-args.js';
import type { SharingControl } from '../../contract/sharing.js';
import { SHARING_COMMANDS } from './sharing-commands.js';

/** The running instance's sync service, as these commands use it. */
export interface SyncCommandTarget extends SyncControl {
  startPairing(options?: { person?: boolean }): PairingInvitationView;
  join(code: string, peer: string, options?: { person?: boolean }): Promise<DeviceView>;
  readonly sharing: SharingControl;
  settled(): Promise<PairingInvitationView | null>;
  digest(): Promise<{ documents: string; documentCount: number; blobs: string; blobCount: number; clips: number }>;
}

type Handler = (sync: SyncCommandTarget, request: CommandRequest, output: CommandOutput, signal?: AbortSignal) => Promise<number>;

/** Commands that need sync running: they run only in an instance that has the library open (the app or `serve`). */
export const SYNC_COMMANDS: Record<string, Handler> = {
  ...Object.fromEntries(Object.entries(SHARING_COMMANDS).map(([name, handler]) => [name, (sync: SyncCommandTarget, request: CommandRequest, output: CommandOutput) => handler(sync.sharing, request, output)])),
  pair: async (sync, request, output, signal) => {
    const json = request.options.json === true;
    const [code] = request.positionals;
    if (code !== undefined) {
      const peer = request.options.peer;
      if (typeof peer !== 'string') throw new UsageError('pair CODE needs --peer HOST:PORT (the address the other device shows)');
      const device = await sync.join(code, peer, { person: request.options.person === true });
      output.stdout(json ? `${JSON.stringify({ paired: device })}\n` : `Paired with "${device.name}" (${device.fingerprint}). Check that the other device shows this fingerprint for this one: ${sync.status().device.fingerprint}\n`);
      return 0;
    }
    if (request.options.peer !== undefined) throw new UsageError('pair: --peer goes with a CODE (pair CODE --peer HOST:PORT)');
    const invitation = sync.startPairing({ person: request.options.person === true });
    if (json) output.stdout(`${JSON.stringify({ invitation })}\n`);
    else {
      output.stdout(`Pairing code: ${invitation.code}   (expires in ${Math.round((invitation.expiresAt - Date.now()) / 60_000)} minutes)\n`);
      output.stdout(`On the other device run:\n${invitation.addresses.map((address) => `  clipshot pair ${invitation.code} --peer ${address}`).join('\n')}\n`);
      output.stdout(`This device's fingerprint: ${sync.status().device.fingerprint}\nWaiting…\n`);
    }
    signal?.addEventListener('abort', () => sync.cancelPairing(), { once: true });
    const settled = await sync.settled();
    if (settled?.state === 'paired' && settled.device) {
      output.stdout(json ? `${JSON.stringify({ paired: settled.device })}\n` : `Paired with "${settled.device.name}" (${settled.device.fingerprint}).\n`);
      return 0;
    }
    const reason = settled?.state === 'expired' ? 'the code expired' : settled?.state === 'exhausted' ? 'too many wrong codes were tried; start again for a new code' : 'pairing was cancelled';
    if (json) output.stdout(`${JSON.stringify({ failed: settled?.state ?? 'cancelled' })}\n`);
    output.stderr(`clipshot: not paired: ${reason}\n`);
    return 1;
  },
  devices: async (sync, request, output) => {
    const [action, ...rest] = request.positionals;
    if (action === 'rename') {
      if (rest.length !== 1) throw new UsageError('devices rename NAME');
      const self = await sync.rename(rest[0]!);
      output.stdout(`This device is now "${self.name}".\n`);
      return 0;
    }
    if (action !== undefined) throw new UsageError(`devices: unknown action "${action}" (devices [--json] or devices rename NAME)`);
    const status = sync.status();
    if (request.options.json === true) {
      output.stdout(`${JSON.stringify({ self: status.device, devices: status.devices })}\n`);
      return 0;
    }
    output.stdout(formatDevices(status));
    return 0;
  },
  unpair: async (sync, request, output) => {
    const device = await sync.unpair(request.positionals[0]!);
    output.stdout(request.options.json === true ? `${JSON.stringify({ unpaired: device })}\n` : `Unpaired "${device.name}" (${device.fingerprint}): its connections are closed and it is refused from now on. What it already has stays on it.\n`);
    return 0;
  },
  sync: async (sync, request, output) => {
    const [action, argument] = request.positionals;
    if (action === 'connect') {
      if (!argument) throw new UsageError('sync connect HOST:PORT');
      await sync.connect(argument);
      output.stdout(`Connected to ${argument}.\n`);
      return 0;
    }
    if (action === 'originals') {
      if (argument !== 'all' && argument !== 'on-demand') throw new UsageError('sync originals all|on-demand');
      await sync.setOriginals(argument);
      output.stdout(argument === 'all' ? 'This device now keeps every original.\n' : 'This device now fetches originals when they are opened.\n');
      return 0;
    }
    if (action === 'digest') {
      const digest = await sync.digest();
      output.stdout(request.options.json === true ? `${JSON.stringify(digest)}\n` : `documents ${digest.documents.slice(0, 16)} (${digest.documentCount})\nblobs     ${digest.blobs.slice(0, 16)} (${digest.blobCount})\nclips     ${digest.clips}\n`);
      return 0;
    }
    if (action !== undefined && action !== 'status') throw new UsageError(`sync: unknown action "${action}" (status, digest, connect HOST:PORT, originals all|on-demand)`);
    const status = sync.status();
    output.stdout(request.options.json === true ? `${JSON.stringify(status)}\n` : formatStatus(status));
    return 0;
  },
};

function formatDevices(status: SyncStatus): string {
  const rows = [status.device, ...status.devices].map((device) => formatDevice(device));
  return `${rows.join('\n')}\n`;
}

function formatDevice(device: DeviceView): string {
  const state = device.self ? 'this device' : device.online ? 'online' : `offline, last seen ${device.lastSeenAt ? new Date(device.lastSeenAt).toISOString() : 'never'}`;
  const pending = device.self ? '' : `, ${device.pendingChanges} pending`;
  return `${device.name.padEnd(24)} ${device.fingerprint}  ${state}${pending}${device.address ? `  ${device.address}` : ''}`;
}

function formatStatus(status: SyncStatus): string {
  const { progress } = status;
  return [
    `${status.state}: ${status.devices.filter((device) => device.online).length} of ${status.devices.length} paired devices online`,
    `listening on ${status.listening.join(', ') || 'nothing'}`,
    `documents: ${progress.documentsPending} pending, ${progress.documentsSynced} synced`,
    `blobs: ${progress.blobsPending} pending, ${progress.blobsFetched} fetched; ${progress.bytesReceived} bytes in, ${progress.bytesSent} out`,
    `originals: ${status.originals === 'all' ? 'all kept here' : 'fetched on demand'}`,
    '',
  ].join('\n');
}
