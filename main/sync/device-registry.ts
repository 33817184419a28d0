import type { Library } from '../library/library.js';
import { deviceFingerprint, devicePeerId } from './device-identity.js';

export interface PairedDevice {
  peerId: string;
  publicKey: Uint8Array;
  name: string;
  fingerprint: string;
  pairedAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  address: string | null;
  /**
   * 'own': one of this person's devices (pairing's default), which syncs the whole library;
   * 'person': a device of another person, which gets only the collections shared with that person.
   */
  relation: DeviceRelation;
  /** The person its certificate names (verified at its last connection); null until it presents one. */
  personId: string | null;
  /** That person's Ed25519 key, base64. */
  personKey: string | null;
}

export type DeviceRelation = 'own' | 'person';

interface DeviceRow {
  peer_id: string;
  public_key: Buffer;
  name: string;
  paired_at: number;
  revoked_at: number | null;
  last_seen_at: number | null;
  address: string | null;
  relation: string;
  person_id: string | null;
  person_key: string | null;
}

export class UnknownDeviceError extends Error {
  readonly code = 'unknown-device';
  constructor(wanted: string) {
    super(`no paired device is called or starts with "${wanted.slice(0, 80)}" (see clipshot devices)`);
    this.name = 'UnknownDeviceError';
  }
}

/**
 * The devices this library trusts, in the library's own (encrypted) database: this device's
 * record of whom it paired with and whom it revoked. Revoked devices stay listed, so a revoked
 * key is refused for good rather than forgotten. Reads are synchronous; writes go through the
 * library's write queue so they never land inside another write's transaction.
 */
export class DeviceRegistry {
  readonly #devices = new Map<string, PairedDevice>();

  constructor(private readonly library: Library) {
    library.db.exec(`CREATE TABLE IF NOT EXISTS sync_devices (
      peer_id TEXT PRIMARY KEY,
      public_key BLOB NOT NULL,
      name TEXT NOT NULL,
      paired_at INTEGER NOT NULL,
      revoked_at INTEGER,
      last_seen_at INTEGER,
      address TEXT
    ) STRICT`);
    // Added with people and shared collections: every device paired before is one's own.
    const columns = new Set((library.db.prepare('PRAGMA table_info(sync_devices)').all() as { name: string }[]).map((column) => column.name));
    if (!columns.has('relation')) library.db.exec(`ALTER TABLE sync_devices ADD COLUMN relation TEXT NOT NULL DEFAULT 'own'`);
    if (!columns.has('person_id')) library.db.exec('ALTER TABLE sync_devices ADD COLUMN person_id TEXT');
    if (!columns.has('person_key')) library.db.exec('ALTER TABLE sync_devices ADD COLUMN person_key TEXT');
    for (const row of library.db.prepare('SELECT * FROM sync_devices').all() as DeviceRow[]) {
      this.#devices.set(row.peer_id, fromRow(row));
    }
  }

  /** Paired and not revoked. */
  active(): PairedDevice[] {
    return [...this.#devices.values()].filter((device) => device.revokedAt === null).sort((a, b) => a.pairedAt - b.pairedAt);
  }

  get(peerId: string): PairedDevice | null {
    return this.#devices.get(peerId) ?? null;
  }

  isTrusted(publicKey: Uint8Array): boolean {
    const device = this.#devices.get(devicePeerId(publicKey));
    return device !== undefined && device.revokedAt === null && Buffer.from(device.publicKey).equals(Buffer.from(publicKey));
  }

  /** A device by peer id, fingerprint (dashes optional) or name, whole or a unique prefix (case-insensitive). */
  find(wanted: string): PairedDevice {
    const text = wanted.trim().toLowerCase();
    const bare = text.replace(/-/g, '');
    const active = this.active();
    const exact = active.filter((device) => device.peerId === text || device.fingerprint.replace(/-/g, '').toLowerCase() === bare || device.name.toLowerCase() === text);
    if (exact.length === 1) return exact[0]!;
    const prefixed = text.length >= 4 ? active.filter((device) => device.peerId.startsWith(text) || device.fingerprint.replace(/-/g, '').toLowerCase().startsWith(bare) || device.name.toLowerCase().startsWith(text)) : [];
    if (exact.length === 0 && prefixed.length === 1) return prefixed[0]!;
    if (exact.length > 1 || prefixed.length > 1) throw Object.assign(new Error(`"${wanted.slice(0, 80)}" matches ${Math.max(exact.length, prefixed.length)} devices; use its fingerprint`), { code: 'ambiguous-device' });
    throw new UnknownDeviceError(wanted);
  }

  /** Trusts a device (pairing); pairing again with a revoked device's key trusts it anew. */
  async add(publicKey: Uint8Array, name: string, address: string | null, relation: DeviceRelation = 'own'): Promise<PairedDevice> {
    const device: PairedDevice = {
      peerId: devicePeerId(publicKey),
      publicKey: new Uint8Array(publicKey),
      name,
      fingerprint: deviceFingerprint(publicKey),
      pairedAt: Date.now(),
      revokedAt: null,
      lastSeenAt: null,
      address,
      relation,
      personId: null,
      personKey: null,
    };
    await this.library.write(async () => {
      this.library.db
        .prepare(
          `INSERT INTO sync_devices (peer_id, public_key, name, paired_at, revoked_at, last_seen_at, address, relation) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)
           ON CONFLICT (peer_id) DO UPDATE SET name = excluded.name, paired_at = excluded.paired_at, revoked_at = NULL, address = excluded.address, relation = excluded.relation, person_id = NULL, person_key = NULL`,
        )
        .run(device.peerId, Buffer.from(publicKey), name, device.pairedAt, address, relation);
    });
    this.#devices.set(device.peerId, device);
    return device;
  }

  async revoke(peerId: string): Promise<PairedDevice> {
    const device = this.#devices.get(peerId);
    if (!device || device.revokedAt !== null) throw new UnknownDeviceError(peerId);
    const revokedAt = Date.now();
    await this.library.write(async () => {
      this.library.db.prepare('UPDATE sync_devices SET revoked_at = ? WHERE peer_id = ?').run(revokedAt, peerId);
    });
    device.revokedAt = revokedAt;
    return device;
  }

  /** Records the person a device's verified certificate names. */
  async certified(peerId: string, personId: string, personKey: string): Promise<void> {
    const device = this.#devices.get(peerId);
    if (!device || (device.personId === personId && device.personKey === personKey)) return;
    device.personId = personId;
    device.personKey = personKey;
    await this.library.write(async () => {
      this.library.db.prepare('UPDATE sync_devices SET person_id = ?, person_key = ? WHERE peer_id = ?').run(personId, personKey, peerId);
    });
  }

  /** Records that the device was connected now, at this address, under this name. */
  async seen(peerId: string, details: { address?: string | null; name?: string }): Promise<void> {
    const device = this.#devices.get(peerId);
    if (!device) return;
    device.lastSeenAt = Date.now();
    if (details.address) device.address = details.address;
    if (details.name) device.name = details.name;
    await this.library.write(async () => {
      this.library.db.prepare('UPDATE sync_devices SET last_seen_at = ?, address = ?, name = ? WHERE peer_id = ?').run(device.lastSeenAt, device.address, device.name, peerId);
    });
  }
}

function fromRow(row: DeviceRow): PairedDevice {
  const publicKey = new Uint8Array(row.public_key);
  return {
    peerId: row.peer_id,
    publicKey,
    name: row.name,
    fingerprint: deviceFingerprint(publicKey),
    pairedAt: row.paired_at,
    revokedAt: row.revoked_at,
    lastSeenAt: row.last_seen_at,
    address: row.address,
    relation: row.relation === 'person' ? 'person' : 'own',
    personId: row.person_id,
    personKey: row.person_key,
  };
}
