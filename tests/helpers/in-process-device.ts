// A paired device played by the test process itself (its own key, the real protocols), for tests
// where a device must misbehave in ways the app never would.
import { expect } from 'vitest';
import type WebSocket from 'ws';
import { openSocket } from '../../main/sync/connection/dialer.js';
import { establishSession, toBytes, type SecureSession } from '../../main/sync/connection/secure-session.js';
import { PAIR_PATH } from '../../main/sync/connection/wire.js';
import type { DeviceIdentity } from '../../main/sync/device-identity.js';
import { joinPairing } from '../../main/sync/pairing/pairing-session.js';
import { collect, startCli, waitForLine } from './cli.js';
import type { Device } from './sync-devices.js';

export const inProcessHello = (name: string) => ({ v: 1 as const, name, storageId: null, syncPort: null });

/** Joins the pairing invitation `code` shown by the device at `address`, as `identity`. */
export async function joinAsInProcess(address: string, code: string, identity: DeviceIdentity): Promise<void> {
  const socket = await openSocket(address, PAIR_PATH);
  try {
    await joinPairing(
      {
        send: (message) => socket.send(message),
        onMessage: (listener) => socket.on('message', (data) => listener(toBytes(data))),
        onClose: (listener) => socket.on('close', () => listener()),
        close: () => socket.close(),
      },
      code,
      { publicKey: identity.keys.publicKey, name: 'in-process', syncPort: null },
    );
  } finally {
    socket.close();
  }
}

/** Pairs an in-process device (this test's own key) with a running one, through the real protocol. */
export async function pairInProcess(device: Device, identity: DeviceIdentity): Promise<void> {
  const inviter = startCli(['--library', device.dir, 'pair', '--json']);
  const { invitation } = JSON.parse(await waitForLine(inviter, /"invitation"/)) as { invitation: { code: string } };
  const inviterResult = collect(inviter);
  await joinAsInProcess(device.syncAddress, invitation.code, identity);
  expect((await inviterResult).code).toBe(0);
}

/** An authenticated session to a running device, as the in-process device. */
export async function connectInProcess(device: Device, identity: DeviceIdentity): Promise<{ socket: WebSocket; session: SecureSession }> {
  const socket = await openSocket(device.syncAddress);
  const session = await establishSession(socket, { role: 'initiator', identity, hello: inProcessHello('in-process'), isTrusted: () => true });
  return { socket, session };
}
