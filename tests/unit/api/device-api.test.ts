// The API's device methods on the real service (tests/helpers/direct-api.ts, requests and answers
// through JSON), with the sync subsystem played by FakeSyncControl: every request checked against
// its schema before sync sees it, what sync throws turned into errors a person understands, and
// sync's changes sent to windows as at most four 'sync-changed' events a second.
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError, type ApiEvent, type ApiMethod } from '../../../contract/api.js';
import type { SyncStatus } from '../../../contract/devices.js';
import { SYNC_EVENT_INTERVAL_MS } from '../../../main/api/device-handlers.js';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { codedError, fakeDevice, FakeSyncControl } from '../../helpers/fake-sync-control.js';

let core: TestCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function start(): Promise<{ core: TestCore; sync: FakeSyncControl }> {
  const sync = new FakeSyncControl();
  core = await createTestCore(undefined, { sync });
  return { core, sync };
}

async function failure(request: Promise<unknown>): Promise<ApiError> {
  const error = await request.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const DEVICE_REQUESTS: [ApiMethod, object][] = [
  ['syncStatus', {}],
  ['startPairing', {}],
  ['pairingState', {}],
  ['cancelPairing', {}],
  ['joinDevice', { code: '1234-5678', peer: '192.168.1.20:47110' }],
  ['unpairDevice', { device: 'Desktop' }],
  ['renameDevice', { name: 'Laptop' }],
  ['connectDevice', { peer: 'nas.local:47110' }],
  ['setOriginals', { mode: 'all' }],
];

describe('without sync', () => {
  test('every device method answers unsupported, in words', async () => {
    core = await createTestCore();
    for (const [method, params] of DEVICE_REQUESTS) {
      const error = await failure(core.service.dispatch(method, params));
      expect(error.toJSON(), method).toEqual({ code: 'unsupported', message: 'sync is not running in this instance' });
    }
  });
});

describe('request schemas', () => {
  test('a bad code, a bad address, an overlong name or an unknown field is an invalid request that sync never sees', async () => {
    const { core, sync } = await start();
    const refused: [ApiMethod, object, string][] = [
      ['joinDevice', { code: '1234567', peer: 'a:1' }, 'joinDevice: code: a pairing code is 8 digits, like 1234-5678'],
      ['joinDevice', { code: '1234--5678', peer: 'a:1' }, 'joinDevice: code: a pairing code is 8 digits, like 1234-5678'],
      ['joinDevice', { code: 'abcd-efgh', peer: 'a:1' }, 'joinDevice: code: a pairing code is 8 digits, like 1234-5678'],
      ['joinDevice', { code: '', peer: 'a:1' }, 'joinDevice: code: type the 8-digit code the other device shows'],
      ['joinDevice', { code: 12345678, peer: 'a:1' }, 'joinDevice: code: Invalid input: expected string, received number'],
      ['joinDevice', { code: '1234-5678', peer: 'host' }, 'joinDevice: peer: add the port after a colon: HOST:PORT'],
      ['joinDevice', { code: '1234-5678', peer: 'host:0' }, 'joinDevice: peer: the port is a number from 1 to 65535'],
      ['joinDevice', { code: '1234-5678', peer: 'host:65536' }, 'joinDevice: peer: the port is a number from 1 to 65535'],
      ['joinDevice', { code: '1234-5678', peer: 'host:http' }, 'joinDevice: peer: the port is a number from 1 to 65535'],
      ['joinDevice', { code: '1234-5678', peer: '10.0.0.256:80' }, 'joinDevice: peer: “10.0.0.256” is not an IPv4 address'],
      ['joinDevice', { code: '1234-5678', peer: '::1:80' }, 'joinDevice: peer: put an IPv6 address in brackets: [ADDRESS]:PORT'],
      ['joinDevice', { code: '1234-5678', peer: '[::g]:80' }, 'joinDevice: peer: “[::g]” is not an IPv6 address in brackets'],
      ['joinDevice', { code: '1234-5678', peer: '[1:2:3:4:5:6:7:8:9]:80' }, 'joinDevice: peer: “[1:2:3:4:5:6:7:8:9]” is not an IPv6 address in brackets'],
      ['joinDevice', { code: '1234-5678', peer: 'my host:80' }, 'joinDevice: peer: “my host” is not a host name'],
      ['joinDevice', { code: '1234-5678', peer: '-bad.example:80' }, 'joinDevice: peer: “-bad.example” is not a host name'],
      ['joinDevice', { code: '1234-5678', peer: ':80' }, 'joinDevice: peer: the address needs a host before the port'],
      ['joinDevice', { code: '1234-5678', peer: `${'a'.repeat(300)}:80` }, 'joinDevice: peer: Too big: expected string to have <=260 characters'],
      ['joinDevice', { code: '1234-5678', peer: 'a:1', extra: true }, 'joinDevice: request: Unrecognized key: "extra"'],
      ['connectDevice', { peer: 'nas.local' }, 'connectDevice: peer: add the port after a colon: HOST:PORT'],
      ['renameDevice', { name: 'x'.repeat(65) }, 'renameDevice: name: a device name is at most 64 characters'],
      ['renameDevice', { name: '   ' }, 'renameDevice: name: a device needs a name'],
      ['renameDevice', { name: 'bell\u0007' }, 'renameDevice: name: a device name cannot hold control characters or line breaks'],
      ['renameDevice', { name: 'two\u2028lines' }, 'renameDevice: name: a device name cannot hold control characters or line breaks'],
      ['unpairDevice', { device: '' }, 'unpairDevice: device: Too small: expected string to have >=1 characters'],
      ['unpairDevice', { device: 'nul\u0000' }, 'unpairDevice: device: a device is named by its id, fingerprint or name'],
      ['setOriginals', { mode: 'some' }, 'setOriginals: mode: Invalid option: expected one of "on-demand"|"all"'],
      ['syncStatus', { verbose: true }, 'syncStatus: request: Unrecognized key: "verbose"'],
    ];
    for (const [method, params, message] of refused) {
      const error = await failure(core.service.dispatch(method, params));
      expect(error.toJSON(), `${method} ${JSON.stringify(params).slice(0, 80)}`).toEqual({ code: 'invalid-request', message });
    }
    expect(sync.calls).toEqual([]);
  });

  test('what passes reaches sync normalised: the code’s 8 digits, the address and name without surrounding spaces', async () => {
    const { core, sync } = await start();
    sync.others.set('[::ffff:192.168.1.5]:8080', { code: '1234-5678', device: fakeDevice('Desktop') });
    const joined = await core.api.joinDevice({ code: ' 1234 5678 ', peer: ' [::ffff:192.168.1.5]:8080 ' });
    expect(joined).toMatchObject({ name: 'Desktop', address: '[::ffff:192.168.1.5]:8080' });
    // 64 characters, 128 UTF-16 units: the limit counts what a person sees.
    const name = '🖥'.repeat(64);
    expect((await core.api.renameDevice({ name: `  ${name}\t` })).name).toBe(name);
    await core.api.connectDevice({ peer: '[fe80::1%eth0]:47110' }).catch(() => undefined);
    await core.api.connectDevice({ peer: 'NAS.local:080' }).catch(() => undefined);
    await core.api.unpairDevice({ device: joined.fingerprint });
    await core.api.setOriginals({ mode: 'all' });
    expect(sync.calls.filter((call) => call.method !== 'status').map((call) => [call.method, ...call.args])).toEqual([
      ['join', '12345678', '[::ffff:192.168.1.5]:8080'],
      ['rename', name],
      ['connect', '[fe80::1%eth0]:47110'],
      ['connect', 'NAS.local:80'],
      ['unpair', joined.fingerprint],
      ['setOriginals', 'all'],
    ]);
    const status = await core.api.syncStatus({});
    expect(status).toMatchObject({ originals: 'all', devices: [], device: { name, self: true } });
  });

  test('pairing: start, state, cancel', async () => {
    const { core } = await start();
    expect(await core.api.pairingState({})).toBeNull();
    const invitation = await core.api.startPairing({});
    expect(invitation).toMatchObject({ state: 'waiting', attemptsLeft: 3, addresses: ['192.168.1.10:47110'] });
    expect(invitation.code).toMatch(/^\d{4}-\d{4}$/);
    expect(invitation.link).toBe(`clipshot://pair?code=${invitation.code}&peer=192.168.1.10%3A47110`);
    expect(await core.api.cancelPairing({})).toBeNull();
    expect(await core.api.pairingState({})).toMatchObject({ code: invitation.code, state: 'cancelled' });
  });
});

describe('errors from sync', () => {
  test('each pairing and registry error code becomes an ApiError a person understands', async () => {
    const { core, sync } = await start();
    const cases: [string, string, string][] = [
      ['wrong-code', 'unauthorized', 'the other device did not accept that code: check the code it shows and type it again'],
      ['expired', 'not-found', 'that code has expired: ask the other device for a new one'],
      ['exhausted', 'rate-limited', 'that code was tried wrongly too many times and no longer works: ask the other device for a new one'],
      ['invalid-code', 'invalid-request', 'a pairing code is 8 digits, like 1234-5678'],
      ['timeout', 'unreachable', 'the device at 10.0.0.7:47110 did not answer in time: check the address, and that ClipShot is running there'],
      ['busy', 'busy', 'this device is busy pairing: finish or cancel that first, then try again'],
      ['ECONNREFUSED', 'unreachable', 'could not reach the device at 10.0.0.7:47110: nothing is listening there (is ClipShot running, and is the port right?)'],
      ['EHOSTUNREACH', 'unreachable', 'could not reach the device at 10.0.0.7:47110: that host cannot be reached from this network'],
      ['ENOTFOUND', 'unreachable', 'could not reach the device at 10.0.0.7:47110: that host name is unknown'],
    ];
    for (const [thrown, code, message] of cases) {
      sync.join = async () => {
        throw codedError(thrown, `internal detail of ${thrown}`);
      };
      const error = await failure(core.api.joinDevice({ code: '1234-5678', peer: '10.0.0.7:47110' }));
      expect(error.toJSON(), thrown).toEqual({ code, message });
    }

    const unknown = await failure(core.api.unpairDevice({ device: 'Kitchen tablet' }));
    expect(unknown.toJSON()).toEqual({ code: 'not-found', message: 'no paired device is called “Kitchen tablet” (or has that id or fingerprint)' });

    // Anything else keeps its own message, as an internal failure.
    sync.startPairing = () => {
      throw new Error('the sync port is not open yet');
    };
    expect((await failure(core.api.startPairing({}))).toJSON()).toEqual({ code: 'internal', message: 'the sync port is not open yet' });
    sync.setOriginals = async () => {
      throw codedError('some-new-code', 'originals cannot change while fetching');
    };
    expect((await failure(core.api.setOriginals({ mode: 'all' }))).toJSON()).toEqual({ code: 'internal', message: 'originals cannot change while fetching' });
  });
});

describe('sync-changed events', () => {
  function collect(core: TestCore): SyncStatus[] {
    const seen: SyncStatus[] = [];
    core.api.onEvent((event: ApiEvent) => {
      if (event.type === 'sync-changed') seen.push(event.status);
    });
    return seen;
  }

  test('a burst of changes is one event carrying the status at its end', async () => {
    const { core, sync } = await start();
    const seen = collect(core);
    for (let i = 1; i <= 50; i++) sync.update((state) => (state.progress.documentsSynced = i));
    await new Promise((resolve) => setTimeout(resolve, SYNC_EVENT_INTERVAL_MS * 3));
    expect(seen.map((status) => status.progress.documentsSynced)).toEqual([50]);
  });

  test('changes that never stop come at most four a second, and the last one is never lost', async () => {
    const { core, sync } = await start();
    const seen = collect(core);
    const startedAt = Date.now();
    let count = 0;
    const changing = setInterval(() => sync.update((state) => (state.progress.bytesReceived = ++count)), 10);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    clearInterval(changing);
    const elapsed = Date.now() - startedAt;
    await new Promise((resolve) => setTimeout(resolve, SYNC_EVENT_INTERVAL_MS * 2));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsed / SYNC_EVENT_INTERVAL_MS) + 1);
    expect(seen.at(-1)!.progress.bytesReceived).toBe(count);
  });

  test('once the service closes, sync is no longer listened to', async () => {
    const { core, sync } = await start();
    const seen = collect(core);
    sync.update((state) => (state.state = 'syncing'));
    await core.service.close();
    sync.update((state) => (state.state = 'idle'));
    await new Promise((resolve) => setTimeout(resolve, SYNC_EVENT_INTERVAL_MS * 2));
    expect(seen).toEqual([]);
  });
});
