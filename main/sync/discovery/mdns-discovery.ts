import type { EventEmitter } from 'node:events';
import { isIPv4 } from 'node:net';
import os from 'node:os';
import { Bonjour, type Browser, type Service } from 'bonjour-service';
import { advertisedName, parseAnnouncement, PEER_ID_PATTERN, SERVICE_TYPE, TXT_VERSION, type DiscoveredDevice } from './discovery-record.js';

export type { DiscoveredDevice } from './discovery-record.js';

// LAN discovery: this device advertises `_clipshot-sync._tcp` and browses for others. What it finds is a
// hint of where a paired device might be; the sync connection authenticates it. mDNS is a nicety, so a
// host where it cannot work (no multicast, port 5353 held exclusively) gets "discovery unavailable"
// with a reason, never a crash.

export interface DiscoveryOptions {
  /** This device's peer id: advertised, and ignored when heard back. */
  peerId: string;
  /** This device's name as the person set it (control characters are dropped, long names shortened). */
  name: string;
  /** The sync port other devices connect to. */
  port: number;
  /**
   * The IPv4 address of the interface to multicast on (e.g. 127.0.0.1 for tests); all interfaces when
   * absent. The socket itself listens on 0.0.0.0: one bound to a unicast address never sees multicast.
   */
  interface?: string;
  /** The UDP port of mDNS, 5353; another only for tests that must not meet the LAN's mDNS. */
  mdnsPort?: number;
  /** How often the LAN is asked again, which is also how a device that vanished without a goodbye is noticed. */
  refreshMs?: number;
  /** A device not heard from for this long is lost (default: three refreshes). */
  lostAfterMs?: number;
}

/** Options that cannot be advertised: a programming error, not a network condition. */
export class DiscoveryOptionsError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const DEFAULT_REFRESH_MS = 15_000;
/** Bounds what a flood of forged announcements can make this device hold. */
export const MAX_DEVICES = 256;
/** close() waits this long at most for the goodbye to go out. */
const CLOSE_TIMEOUT_MS = 2_000;

/** The events multicast-dns emits that bonjour-service leaves unhandled. */
interface MdnsEvents {
  on(event: 'error' | 'warning', listener: (error: NodeJS.ErrnoException) => void): unknown;
  on(event: 'networkInterface' | 'ready', listener: () => void): unknown;
}

/**
 * bonjour-service does not listen for its socket's 'error' event, which multicast-dns emits when
 * port 5353 cannot be bound: unhandled, that event would crash the process. Its socket wrapper is
 * private (`server.mdns`), so it is reached here and checked, rather than trusted blindly.
 */
function socketEventsOf(bonjour: Bonjour): MdnsEvents | null {
  const server: unknown = (bonjour as unknown as { server?: unknown }).server;
  const mdns: unknown = typeof server === 'object' && server !== null ? (server as { mdns?: unknown }).mdns : undefined;
  return typeof mdns === 'object' && mdns !== null && typeof (mdns as EventEmitter).on === 'function' ? (mdns as MdnsEvents) : null;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}

/** The non-internal addresses bonjour-service puts in its A/AAAA records when it publishes. */
function networkSignature(): string {
  return Object.values(os.networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => !address.internal)
    .map((address) => address.address)
    .sort()
    .join(',');
}

function validate(options: DiscoveryOptions): string {
  if (!PEER_ID_PATTERN.test(options.peerId)) throw new DiscoveryOptionsError(`not a peer id: ${options.peerId}`);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new DiscoveryOptionsError(`not a port: ${options.port}`);
  if (options.interface !== undefined && !isIPv4(options.interface)) throw new DiscoveryOptionsError(`not an IPv4 interface address: ${options.interface}`);
  if (options.mdnsPort !== undefined && (!Number.isInteger(options.mdnsPort) || options.mdnsPort < 1 || options.mdnsPort > 65535)) throw new DiscoveryOptionsError(`not a port: ${options.mdnsPort}`);
  for (const key of ['refreshMs', 'lostAfterMs'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new DiscoveryOptionsError(`${key} must be a positive number of ms`);
  }
  const name = advertisedName(options.name);
  if (name === null) throw new DiscoveryOptionsError('the device name has nothing printable to advertise');
  return name;
}

export class MdnsDiscovery {
  /** Settles once discovery runs or is known to be unavailable; it never rejects. */
  readonly ready: Promise<void>;
  private settleReady!: () => void;
  private reason: string | null = null;
  private closed = false;
  private bonjour: Bonjour | null = null;
  private service: Service | null = null;
  private browser: Browser | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private publishedSignature = '';
  private readonly known = new Map<string, { device: DiscoveredDevice; fqdn: string }>();
  private readonly deviceListeners = new Set<(device: DiscoveredDevice) => void>();
  private readonly lostListeners = new Set<(peerId: string) => void>();
  private readonly refreshMs: number;
  private readonly lostAfterMs: number;

  private constructor(
    private readonly options: DiscoveryOptions,
    private readonly name: string,
  ) {
    this.ready = new Promise((resolve) => (this.settleReady = resolve));
    this.refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
    this.lostAfterMs = options.lostAfterMs ?? 3 * this.refreshMs;
  }

  /**
   * Starts advertising and browsing. Throws DiscoveryOptionsError only for options that cannot be
   * advertised; whatever the host's network does is reported through `available`/`unavailableReason`
   * (bind failures are known once `ready` settles).
   */
  static start(options: DiscoveryOptions): MdnsDiscovery {
    const discovery = new MdnsDiscovery(options, validate(options));
    discovery.begin();
    return discovery;
  }

  get available(): boolean {
    return this.reason === null && !this.closed;
  }

  /** One line saying why discovery is not running; null while it runs. */
  get unavailableReason(): string | null {
    return this.reason ?? (this.closed ? 'discovery closed' : null);
  }

  onDevice(listener: (device: DiscoveredDevice) => void): () => void {
    this.deviceListeners.add(listener);
    return () => this.deviceListeners.delete(listener);
  }

  onLost(listener: (peerId: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  devices(): DiscoveredDevice[] {
    return [...this.known.values()].map(({ device }) => ({ ...device, addresses: [...device.addresses] }));
  }

  /** Says goodbye on the LAN (so others drop this device at once) and releases the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    this.settleReady();
    const bonjour = this.bonjour;
    this.bonjour = null;
    if (bonjour === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      timer.unref();
      const destroy = () => {
        try {
          bonjour.destroy(() => {
            clearTimeout(timer);
            resolve();
          });
        } catch {
          resolve();
        }
      };
      // Without a published service (unavailable, or closed before ready) there is no goodbye to send.
      if (this.service === null) destroy();
      else bonjour.unpublishAll(destroy);
    });
  }

  private begin(): void {
    const { interface: address, mdnsPort } = this.options;
    // bonjour-service hands these to multicast-dns, whose options its types do not describe.
    const socketOptions: Record<string, unknown> = { ...(address !== undefined ? { interface: address, bind: '0.0.0.0' } : {}), ...(mdnsPort !== undefined ? { port: mdnsPort } : {}) };
    try {
      // Sending fails while the network is down; the next refresh tries again.
      this.bonjour = new Bonjour(socketOptions as ConstructorParameters<typeof Bonjour>[0], () => undefined);
    } catch (error) {
      this.markUnavailable(`mDNS could not start: ${describe(error)}`);
      return;
    }
    const events = socketEventsOf(this.bonjour);
    if (events === null) {
      this.markUnavailable('mDNS could not start: bonjour-service no longer exposes its socket errors');
      return;
    }
    let joined = false;
    let membershipError: string | null = null;
    events.on('error', (error) => this.markUnavailable(`mDNS port ${mdnsPort ?? 5353} unavailable: ${describe(error)}`));
    // 'warning' also reports undecodable packets from the network: only a failed join matters here.
    events.on('warning', (error) => {
      if (error.syscall === 'addMembership') membershipError = describe(error);
    });
    events.on('networkInterface', () => (joined = true));
    // multicast-dns joins the group when the socket is listening, before it says 'ready'.
    events.on('ready', () => {
      if (this.closed || this.reason !== null) return;
      if (!joined) {
        this.markUnavailable(`no multicast: could not join the mDNS group on ${address ?? 'any interface'}${membershipError === null ? '' : ` (${membershipError})`}`);
        return;
      }
      this.publish();
      this.refresh();
      this.settleReady();
    });
  }

  private markUnavailable(reason: string): void {
    if (this.reason !== null || this.closed) return;
    this.reason = reason;
    this.stopTimers();
    const bonjour = this.bonjour;
    this.bonjour = null;
    this.service = null;
    try {
      bonjour?.destroy();
    } catch {
      // The socket may never have opened; there is nothing left to release then.
    }
    this.settleReady();
  }

  private stopTimers(): void {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.browser?.stop();
    this.browser = null;
  }

  private publish(): void {
    if (this.bonjour === null) return;
    this.publishedSignature = networkSignature();
    this.service = this.bonjour.publish({
      // The peer id as the instance name: unique by construction, so two devices both called "Laptop"
      // never collide; and no probing, which would let any host silence this device by claiming the name.
      name: this.options.peerId,
      type: SERVICE_TYPE,
      port: this.options.port,
      txt: { v: TXT_VERSION, peer: this.options.peerId, name: this.name },
      probe: false,
    });
  }

  /**
   * One browsing round: a fresh browser asks the LAN again, and every device that answers reports
   * itself anew (bonjour-service's browser only reports a known service when its SRV or TXT record
   * changes, never a new address and never that it is still there). Devices silent for too long are lost.
   */
  private refresh(): void {
    if (this.bonjour === null || this.closed) return;
    // bonjour-service computes its A records once, when it publishes: after an address change, publish again.
    if (this.service !== null && networkSignature() !== this.publishedSignature) {
      const bonjour = this.bonjour;
      this.service.stop(() => {
        if (this.bonjour === bonjour) this.publish();
      });
      this.service = null;
    }
    const previous = this.browser;
    const browser = this.bonjour.find({ type: SERVICE_TYPE });
    browser.on('up', (service) => this.heard(service));
    browser.on('srv-update', (service) => this.heard(service));
    browser.on('txt-update', (service) => this.heard(service));
    browser.on('down', (service) => this.goodbye(service));
    this.browser = browser;
    previous?.stop();
    this.sweep();
    this.refreshTimer = setTimeout(() => this.refresh(), this.refreshMs);
  }

  private heard(service: Service): void {
    if (this.closed) return;
    const parsed = parseAnnouncement(service, Date.now());
    if (!parsed.ok) return;
    const { device } = parsed;
    if (device.peerId === this.options.peerId) return;
    const previous = this.known.get(device.peerId);
    if (previous === undefined && this.known.size >= MAX_DEVICES) return;
    this.known.set(device.peerId, { device, fqdn: String(service.fqdn).toLowerCase() });
    const changed =
      previous === undefined ||
      previous.device.name !== device.name ||
      [...previous.device.addresses].sort().join(' ') !== [...device.addresses].sort().join(' ');
    if (changed) for (const listener of [...this.deviceListeners]) listener({ ...device, addresses: [...device.addresses] });
  }

  private goodbye(service: Service): void {
    const fqdn = String(service.fqdn).toLowerCase();
    for (const [peerId, entry] of this.known) if (entry.fqdn === fqdn) this.lose(peerId);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [peerId, { device }] of this.known) if (now - device.seenAt > this.lostAfterMs) this.lose(peerId);
  }

  private lose(peerId: string): void {
    if (!this.known.delete(peerId)) return;
    for (const listener of [...this.lostListeners]) listener(peerId);
  }
}
