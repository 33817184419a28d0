// A stand-in for the sync subsystem (contract/devices.ts SyncControl) in the API and Devices panel
// tests, until the real one runs there: it keeps its state in memory and plays the other devices'
// side of pairing (the part that would be another process). It follows the contract: codes expire
// and wear out after three wrong tries, a wrong code is refused with PairingError's code, an
// address where no device listens is refused as a socket would be.
import type { ClipView } from '../../contract/clips.js';
import { SHARE_ROLES, type ShareRole, type SharedCollectionView, type SharingControl, type SharingStatus } from '../../contract/sharing.js';
import { createHash, randomInt } from 'node:crypto';
import { pairingLink, type DeviceView, type PairingInvitationView, type SyncControl, type SyncProgress, type SyncState, type SyncStatus } from '../../contract/devices.js';
import { formatPairingCode } from '../../contract/device-inputs.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ATTEMPTS = 3;

/** An error with a code, as SyncControl's are (PairingError, the registry's, Node's socket errors). */
export function codedError(code: string, message = code): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/** A device as another process would describe itself: its id and fingerprint follow from its name here. */
export function fakeDevice(name: string, fields: Partial<DeviceView> = {}): DeviceView {
  const hash = createHash('sha256').update(name).digest();
  let bits = 0n;
  for (const byte of hash.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  const symbols = Array.from({ length: 16 }, (_, index) => CROCKFORD[Number((bits >> BigInt(75 - index * 5)) & 31n)]).join('');
  return {
    id: `device-${hash.toString('hex').slice(0, 32)}`,
    name,
    fingerprint: symbols.match(/.{4}/g)!.join('-'),
    self: false,
    online: false,
    lastSeenAt: null,
    pairedAt: Date.now(),
    address: null,
    pendingChanges: 0,
    ...fields,
  };
}

export class FakeSyncControl implements SyncControl {
  readonly device: DeviceView;
  devices: DeviceView[] = [];
  state: SyncState = 'offline';
  progress: SyncProgress = { documentsPending: 0, documentsSynced: 0, blobsPending: 0, blobsFetched: 0, bytesReceived: 0, bytesSent: 0 };
  originals: 'on-demand' | 'all' = 'on-demand';
  listening: string[];
  /** Devices showing a code elsewhere, by the address they listen on: what `join` reaches. */
  readonly others = new Map<string, { code: string; device: DeviceView }>();
  /** Addresses where nothing answers now (a device switched off). */
  readonly unreachable = new Set<string>();
  /** Every call made, with its arguments (what the API handed over). */
  readonly calls: { method: keyof SyncControl; args: unknown[] }[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #pairingTtlMs: number;
  #invitation: PairingInvitationView | null = null;

  constructor(options: { name?: string; listening?: string[]; pairingTtlMs?: number } = {}) {
    this.device = fakeDevice(options.name ?? 'This laptop', { self: true, online: true });
    this.listening = options.listening ?? ['192.168.1.10:47110'];
    this.#pairingTtlMs = options.pairingTtlMs ?? 5 * 60_000;
  }

  /** What sharing.status() answers (not recorded in `calls`): nothing shared unless a test says otherwise. */
  sharingState: SharingStatus = {
    person: { id: `person-${'0'.repeat(32)}`, fingerprint: 'P3RS-0N00-0000-0000', self: true, devices: [] },
    people: [],
    collections: [],
    rejectedChanges: 0,
    lastRejectedAt: null,
  };

  /** Each shared collection's clips, by collection id. */
  readonly sharedClipsOf = new Map<string, ClipView[]>();

  readonly sharing: SharingControl = new FakeSharing(this);

  /** Changes what sharing.status() answers and tells listeners, as a share or a rejected change would. */
  updateSharing(change: (sharing: SharingStatus) => void): void {
    change(this.sharingState);
    this.#changed();
  }

  status(): SyncStatus {
    this.calls.push({ method: 'status', args: [] });
    return structuredClone({ device: this.device, listening: this.listening, state: this.state, progress: this.progress, devices: this.devices, originals: this.originals });
  }

  startPairing(): PairingInvitationView {
    this.calls.push({ method: 'startPairing', args: [] });
    const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    this.#invitation = {
      code: formatPairingCode(code),
      expiresAt: Date.now() + this.#pairingTtlMs,
      addresses: [...this.listening],
      link: pairingLink(formatPairingCode(code), this.listening[0] ?? ''),
      state: 'waiting',
      attemptsLeft: ATTEMPTS,
    };
    this.#changed();
    return structuredClone(this.#invitation);
  }

  pairingState(): PairingInvitationView | null {
    this.calls.push({ method: 'pairingState', args: [] });
    const invitation = this.#invitation;
    if (invitation?.state === 'waiting' && Date.now() >= invitation.expiresAt) invitation.state = 'expired';
    return invitation && structuredClone(invitation);
  }

  cancelPairing(): void {
    this.calls.push({ method: 'cancelPairing', args: [] });
    if (this.#invitation?.state === 'waiting') this.#invitation.state = 'cancelled';
    this.#changed();
  }

  /** The other side of this device's invitation: `device` types `code`. A wrong one uses up a try. */
  answerInvitation(code: string, device: DeviceView): boolean {
    const invitation = this.#invitation;
    if (invitation?.state !== 'waiting') return false;
    if (code !== invitation.code) {
      invitation.attemptsLeft--;
      if (invitation.attemptsLeft === 0) invitation.state = 'exhausted';
      this.#changed();
      return false;
    }
    invitation.state = 'paired';
    invitation.device = device;
    this.devices.push(device);
    this.#changed();
    return true;
  }

  /** Lets the invitation's time run out (as the clock would). */
  expireInvitation(): void {
    if (this.#invitation) this.#invitation.expiresAt = Date.now() - 1;
  }

  async join(code: string, peer: string): Promise<DeviceView> {
    this.calls.push({ method: 'join', args: [code, peer] });
    const other = this.unreachable.has(peer) ? undefined : this.others.get(peer);
    if (!other) throw codedError('ECONNREFUSED', `connect ECONNREFUSED ${peer}`);
    if (other.code.replace(/\D/g, '') !== code.replace(/\D/g, '')) throw codedError('wrong-code', 'the code was not accepted');
    this.others.delete(peer);
    const device = { ...other.device, address: peer, pairedAt: Date.now() };
    this.devices.push(device);
    this.#changed();
    return structuredClone(device);
  }

  async unpair(reference: string): Promise<DeviceView> {
    this.calls.push({ method: 'unpair', args: [reference] });
    const device = this.devices.find((candidate) => [candidate.id, candidate.fingerprint, candidate.name].includes(reference));
    if (!device) throw codedError('unknown-device', `no device ${reference}`);
    this.devices = this.devices.filter((candidate) => candidate !== device);
    this.#changed();
    return structuredClone(device);
  }

  async rename(name: string): Promise<DeviceView> {
    this.calls.push({ method: 'rename', args: [name] });
    this.device.name = name;
    this.#changed();
    return structuredClone(this.device);
  }

  async connect(peer: string): Promise<void> {
    this.calls.push({ method: 'connect', args: [peer] });
    const device = this.unreachable.has(peer) ? undefined : this.devices.find((candidate) => candidate.address === peer);
    if (!device) throw codedError('ECONNREFUSED', `connect ECONNREFUSED ${peer}`);
    device.online = true;
    device.lastSeenAt = Date.now();
    this.#changed();
  }

  async setOriginals(mode: 'on-demand' | 'all'): Promise<void> {
    this.calls.push({ method: 'setOriginals', args: [mode] });
    this.originals = mode;
    this.#changed();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Changes what syncing would change (state, progress, a device's fields) and says so. */
  update(change: (sync: this) => void): void {
    change(this);
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

/**
 * Sharing as the contract describes it, over the fake's state: owners share and revoke, editors
 * and owners edit clips, and a collection or person that is not there is refused with
 * SharingError's codes. A new collection is shared with this person as its owner.
 */
class FakeSharing implements SharingControl {
  constructor(private readonly sync: FakeSyncControl) {}

  status(): SharingStatus {
    return structuredClone(this.sync.sharingState);
  }

  async share(collection: string, person: string, role: string): Promise<SharedCollectionView> {
    if (!(SHARE_ROLES as readonly string[]).includes(role)) throw codedError('unknown-person', `unknown role "${role}"`);
    const member = this.#person(person);
    let view = this.#find(collection, false);
    const state = this.sync.sharingState;
    if (!view) {
      view = { id: `${collection.toLowerCase().replace(/[^0-9a-v]/g, '0')}${'0'.repeat(26)}`.slice(0, 26), name: collection, role: 'owner', clips: 0, members: [{ personId: state.person.id, name: 'You', role: 'owner', at: Date.now() }] };
      state.collections.push(view);
    }
    if (view.role !== 'owner') throw codedError('not-owner', 'only an owner of the collection changes who can see it');
    const existing = view.members.find((candidate) => candidate.personId === member.id);
    if (existing) existing.role = role as ShareRole;
    else view.members.push({ personId: member.id, name: member.devices[0] ?? member.fingerprint, role: role as ShareRole, at: Date.now() });
    this.sync.updateSharing(() => undefined);
    return structuredClone(view);
  }

  async unshare(collection: string, person: string): Promise<SharedCollectionView> {
    const view = this.#find(collection, true)!;
    if (view.role !== 'owner') throw codedError('not-owner', 'only an owner of the collection changes who can see it');
    const member = view.members.find((candidate) => candidate.personId === this.#person(person).id);
    if (!member) throw codedError('unknown-person', 'that person is not a member of it');
    member.role = 'revoked';
    this.sync.updateSharing(() => undefined);
    return structuredClone(view);
  }

  sharedClips(collection: string): { collection: SharedCollectionView; clips: ClipView[] } {
    const view = this.#find(collection, true)!;
    return structuredClone({ collection: view, clips: this.sync.sharedClipsOf.get(view.id) ?? [] });
  }

  async editSharedClip(collection: string, clipId: string, edit: { title?: string; notes?: string }): Promise<ClipView> {
    const view = this.#find(collection, true)!;
    if (view.role !== 'owner' && view.role !== 'editor') throw codedError('not-editor', 'you can view this collection, not change it (ask an owner for the editor role)');
    const clip = (this.sync.sharedClipsOf.get(view.id) ?? []).find((candidate) => candidate.id.startsWith(clipId));
    if (!clip) throw codedError('unknown-clip', `no single clip of this collection starts with "${clipId}"`);
    Object.assign(clip, edit, { updatedAt: Date.now() });
    this.sync.updateSharing(() => undefined);
    return structuredClone(clip);
  }

  #find(wanted: string, required: boolean): SharedCollectionView | undefined {
    const view = this.sync.sharingState.collections.find((candidate) => candidate.id === wanted || candidate.name === wanted);
    if (!view && required) throw codedError('unknown-collection', `no shared collection is called "${wanted}"`);
    return view;
  }

  #person(wanted: string) {
    const person = this.sync.sharingState.people.find((candidate) => candidate.id === wanted || candidate.fingerprint === wanted || candidate.devices.includes(wanted));
    if (!person) throw codedError('unknown-person', `no paired person is called "${wanted}"`);
    return person;
  }
}
