// LAN discovery over real mDNS (UDP 5353, multicast on the loopback interface so that nothing
// reaches the machine's LAN), between this process and real child processes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bonjour } from 'bonjour-service';
import ts from 'typescript';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintHint, PEER_ID_PATTERN } from '../../main/sync/discovery/discovery-record.js';
import { DiscoveryOptionsError, MdnsDiscovery, type DiscoveredDevice, type DiscoveryOptions } from '../../main/sync/discovery/mdns-discovery.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURE = path.join(repoRoot, 'tests', 'integration', 'fixtures', 'mdns-peer.mjs');
const LOOPBACK = '127.0.0.1';
const MDNS_GROUP = '224.0.0.251';

const newPeerId = () => `device-${randomBytes(16).toString('hex')}`;
const options = (overrides: Partial<DiscoveryOptions> = {}): DiscoveryOptions => ({
  peerId: newPeerId(),
  name: 'Test device',
  port: 40_000 + Math.floor(Math.random() * 20_000),
  interface: LOOPBACK,
  refreshMs: 300,
  ...overrides,
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startDiscovery(overrides: Partial<DiscoveryOptions> = {}): MdnsDiscovery & { started: DiscoveryOptions } {
  const started = options(overrides);
  const discovery = MdnsDiscovery.start(started);
  cleanups.push(() => discovery.close());
  return Object.assign(discovery, { started });
}

/** A spawned node cannot import TypeScript: the child gets main/sync/discovery transpiled (tsc type-checks the sources). */
let discoveryModule: string;
beforeAll(async () => {
  const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'clipshot-mdns-'));
  const sourceDir = path.join(repoRoot, 'main', 'sync', 'discovery');
  const outDir = path.join(dir, 'main', 'sync', 'discovery');
  await fs.mkdir(outDir, { recursive: true });
  for (const name of (await fs.readdir(sourceDir)).filter((file) => file.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(await fs.readFile(path.join(sourceDir, name), 'utf8'), {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true },
    });
    await fs.writeFile(path.join(outDir, name.replace(/\.ts$/, '.js')), outputText);
  }
  await fs.symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await fs.writeFile(path.join(dir, 'package.json'), '{"type":"module"}\n');
  discoveryModule = path.join(outDir, 'mdns-discovery.js');
  return () => fs.rm(dir, { recursive: true, force: true });
});

type PeerEvent = { event: 'device'; device: DiscoveredDevice } | { event: 'lost'; peerId: string } | { event: 'ready'; available: boolean; reason: string | null } | { event: 'closed' };

interface PeerProcess {
  child: ChildProcessWithoutNullStreams;
  events: PeerEvent[];
  stderr: () => string;
  exited: Promise<number | null>;
}

function startPeer(peerOptions: DiscoveryOptions): PeerProcess {
  const child = spawn(process.execPath, [FIXTURE, discoveryModule, JSON.stringify(peerOptions)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: PeerEvent[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split('\n');
    stdout = lines.pop()!;
    for (const line of lines) events.push(JSON.parse(line) as PeerEvent);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, events, stderr: () => stderr, exited };
}

/** Whether a device answered a refresh a second or more after `since` (several refreshes at 300 ms). */
function answeredSince(discovery: MdnsDiscovery, peerId: string, since: number): boolean {
  const device = discovery.devices().find((candidate) => candidate.peerId === peerId);
  return device !== undefined && device.seenAt - since >= 1_000;
}

/** Collects what a discovery reports, in order. */
function record(discovery: MdnsDiscovery) {
  const found: DiscoveredDevice[] = [];
  const lost: string[] = [];
  discovery.onDevice((device) => found.push(device));
  discovery.onLost((peerId) => lost.push(peerId));
  return { found, lost };
}

describe('MdnsDiscovery between processes', () => {
  it('finds a device in another process, both ways, and never itself', async () => {
    const self = startDiscovery({ name: 'Laptop' });
    const seen = record(self);
    await self.ready;
    expect(self.unavailableReason).toBe(null);
    expect(self.available).toBe(true);

    const other = options({ name: 'Desktop' });
    const peer = startPeer(other);

    await expect.poll(() => seen.found.map((device) => device.peerId)).toContain(other.peerId);
    const device = self.devices().find((candidate) => candidate.peerId === other.peerId)!;
    expect(device).toMatchObject({ name: 'Desktop', fingerprintHint: fingerprintHint(other.peerId) });
    expect(device.addresses[0]).toBe(`${LOOPBACK}:${other.port}`);
    expect(Date.now() - device.seenAt).toBeLessThan(10_000);

    await expect.poll(() => peer.events.filter((event) => event.event === 'device').map((event) => event.device.peerId)).toContain(self.started.peerId);
    const seenByPeer = peer.events.find((event): event is Extract<PeerEvent, { event: 'device' }> => event.event === 'device' && event.device.peerId === self.started.peerId)!;
    expect(seenByPeer.device).toMatchObject({ name: 'Laptop', addresses: expect.arrayContaining([`${LOOPBACK}:${self.started.port}`]) });

    // Several refreshes later (the other has answered again since), neither has reported itself,
    // nor the other twice: nothing changed.
    await expect.poll(() => answeredSince(self, other.peerId, device.seenAt)).toBe(true);
    expect(self.devices().map((candidate) => candidate.peerId)).not.toContain(self.started.peerId);
    expect(seen.found.filter((candidate) => candidate.peerId === other.peerId)).toHaveLength(1);
    expect(peer.events.filter((event) => event.event === 'device' && event.device.peerId === other.peerId)).toEqual([]);
    expect(seen.lost).not.toContain(other.peerId);

    // Closing says goodbye: the device is lost long before it would have timed out.
    const closing = startDiscovery({ lostAfterMs: 60_000 });
    const closingSeen = record(closing);
    await expect.poll(() => closingSeen.found.map((candidate) => candidate.peerId)).toContain(other.peerId);
    peer.child.stdin.end();
    expect(await peer.exited).toBe(0);
    expect(peer.events.at(-1)).toEqual({ event: 'closed' });
    await expect.poll(() => closingSeen.lost, { timeout: 5_000 }).toContain(other.peerId);
    expect(closing.devices().map((candidate) => candidate.peerId)).not.toContain(other.peerId);
  });

  it('loses a device killed without a goodbye once it stops answering', async () => {
    const self = startDiscovery({ lostAfterMs: 1_500 });
    const seen = record(self);
    const other = options();
    const peer = startPeer(other);
    await expect.poll(() => seen.found.map((device) => device.peerId)).toContain(other.peerId);

    peer.child.kill('SIGKILL');
    await peer.exited;
    const killedAt = Date.now();
    await expect.poll(() => seen.lost).toContain(other.peerId);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1_000);
    expect(self.devices().map((device) => device.peerId)).not.toContain(other.peerId);
  });
});

/** Publishes a raw announcement with bonjour-service itself: what another program on the LAN could send. */
function announce(config: { name: string; port: number; txt: Record<string, string> }): void {
  const socketOptions: Record<string, unknown> = { interface: LOOPBACK, bind: '0.0.0.0' }; // multicast-dns's options
  const bonjour = new Bonjour(socketOptions as ConstructorParameters<typeof Bonjour>[0], () => undefined);
  bonjour.publish({ ...config, type: 'clipshot-sync', probe: false });
  cleanups.push(() => new Promise<void>((resolve) => bonjour.unpublishAll(() => bonjour.destroy(() => resolve()))));
}

describe('MdnsDiscovery reading what others announce', () => {
  it('ignores malformed announcements and reads a well-formed one, control characters dropped', async () => {
    const self = startDiscovery();
    const seen = record(self);
    await self.ready;

    const malformed: Array<{ why: string; name?: string; peerId?: string; txt: Record<string, string> }> = [
      { why: 'bad peer id', name: 'device-xyz', txt: { v: '1', peer: 'device-xyz', name: 'A' } },
      { why: 'upper-case hex', name: `device-${'AB'.repeat(16)}`, txt: { v: '1', peer: `device-${'AB'.repeat(16)}`, name: 'A' } },
      { why: 'unknown version', peerId: newPeerId(), txt: { v: '2', name: 'A' } },
      { why: 'no version', peerId: newPeerId(), txt: { name: 'A' } },
      { why: 'name too long', peerId: newPeerId(), txt: { v: '1', name: 'x'.repeat(65) } },
      { why: 'no name', peerId: newPeerId(), txt: { v: '1' } },
      { why: 'only control characters', peerId: newPeerId(), txt: { v: '1', name: '\u0007\u202e' } },
      { why: 'instance is not the peer', name: 'someone else', peerId: newPeerId(), txt: { v: '1', name: 'A' } },
    ];
    const ignored: string[] = [];
    for (const [index, entry] of malformed.entries()) {
      const peer = entry.peerId ?? entry.txt.peer ?? '';
      ignored.push(peer);
      announce({ name: entry.name ?? peer, port: 41_000 + index, txt: { ...entry.txt, ...(entry.peerId ? { peer: entry.peerId } : {}) } });
    }
    const wellFormed = newPeerId();
    announce({ name: wellFormed, port: 42_000, txt: { v: '1', peer: wellFormed, name: 'Home\u0000 server\u202e', extra: 'ignored' } });

    await expect.poll(() => seen.found.map((device) => device.peerId)).toContain(wellFormed);
    // The malformed ones were announced first and answer every refresh too: wait for a few refreshes.
    const first = self.devices().find((device) => device.peerId === wellFormed)!;
    await expect.poll(() => answeredSince(self, wellFormed, first.seenAt)).toBe(true);
    expect(seen.found.filter((device) => ignored.includes(device.peerId) || device.peerId === wellFormed).map((device) => device.peerId)).toEqual([wellFormed]);
    expect(first.name).toBe('Home server');
    expect(first.addresses[0]).toBe(`${LOOPBACK}:42000`);
    for (const peer of ignored) expect(self.devices().map((device) => device.peerId)).not.toContain(peer);
  });

  it('survives corrupted and random packets and keeps working', async () => {
    const self = startDiscovery();
    const seen = record(self);
    await self.ready;

    // A real announcement, captured off the wire, then sent back with bytes flipped.
    const capture = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    cleanups.push(() => new Promise<void>((resolve) => capture.close(() => resolve())));
    const captured = new Promise<Buffer>((resolve) => capture.on('message', (message) => message.includes('clipshot-sync') && message.includes('peer=') && resolve(message)));
    await new Promise<void>((resolve) => capture.bind(5353, '0.0.0.0', resolve));
    capture.addMembership(MDNS_GROUP, LOOPBACK);
    capture.setMulticastInterface(LOOPBACK);
    const honest = newPeerId();
    announce({ name: honest, port: 43_000, txt: { v: '1', peer: honest, name: 'Honest' } });
    const packet = await captured;
    await expect.poll(() => seen.found.map((device) => device.peerId)).toContain(honest);

    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 600; i++) {
      let datagram: Buffer;
      if (i % 3 === 0) datagram = randomBytes(1 + Math.floor(random() * 600));
      else {
        datagram = Buffer.from(packet);
        for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) datagram[Math.floor(random() * datagram.length)] = Math.floor(random() * 256);
      }
      // One at a time: the capture hears its own datagram when every socket in the group has it, so
      // none is dropped from a full receive buffer before the discovery has read it.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 1_000);
        function done() {
          clearTimeout(timer);
          capture.off('message', echo);
          resolve();
        }
        const echo = (message: Buffer) => message.equals(datagram) && done();
        capture.on('message', echo);
        capture.send(datagram, 5353, MDNS_GROUP);
      });
    }

    // Still alive and still discovering: a device that appears now is found.
    const late = options({ name: 'Late' });
    startPeer(late);
    await expect.poll(() => seen.found.map((device) => device.peerId)).toContain(late.peerId);
    for (const device of self.devices()) {
      expect(device.peerId).toMatch(PEER_ID_PATTERN);
      expect(device.fingerprintHint).toBe(fingerprintHint(device.peerId));
      expect(device.name).not.toMatch(/[\p{Cc}]/u);
      expect(Array.from(device.name).length).toBeLessThanOrEqual(64);
      expect(device.addresses.length).toBeGreaterThan(0);
      for (const address of device.addresses) expect(address).toMatch(/^(\d+\.\d+\.\d+\.\d+|\[[0-9a-f:.]+\]):\d+$/);
    }
  });
});

describe('MdnsDiscovery where mDNS cannot work', () => {
  it('reports a port held by another program as unavailable, in one line', async () => {
    const holder = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve) => holder.bind(0, '0.0.0.0', resolve));
    cleanups.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    const discovery = startDiscovery({ mdnsPort: holder.address().port });
    await discovery.ready;
    expect(discovery.available).toBe(false);
    expect(discovery.unavailableReason).toMatch(new RegExp(`^mDNS port ${holder.address().port} unavailable: .*EADDRINUSE`));
    expect(discovery.unavailableReason).not.toContain('\n');
    expect(discovery.devices()).toEqual([]);
    await discovery.close();
  });

  it('reports an interface that cannot join the multicast group as unavailable', async () => {
    // 198.51.100.0/24 is reserved for documentation: no interface of this machine has that address.
    const discovery = startDiscovery({ interface: '198.51.100.7', mdnsPort: 45_353 });
    await discovery.ready;
    expect(discovery.available).toBe(false);
    expect(discovery.unavailableReason).toMatch(/^no multicast: could not join the mDNS group on 198\.51\.100\.7 \(addMembership (ENODEV|EADDRNOTAVAIL)/);
  });

  it('refuses options it could not advertise with a typed error', () => {
    expect(() => MdnsDiscovery.start(options({ peerId: 'device-xyz' }))).toThrow(DiscoveryOptionsError);
    expect(() => MdnsDiscovery.start(options({ port: 0 }))).toThrow(/not a port/);
    expect(() => MdnsDiscovery.start(options({ name: '\u0000\u0007 ' }))).toThrow(/nothing printable/);
    expect(() => MdnsDiscovery.start(options({ interface: 'eth0' }))).toThrow(/not an IPv4 interface address/);
  });
});
