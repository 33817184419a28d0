import { ApiError } from '../../../contract/api.js';
import type { AuditActor } from '../../../contract/audit.js';
import { readLockAfterMinutes, type LockState, type OsUnlockState } from '../../../contract/lock.js';
import { settingsChangeMessage } from '../../../contract/settings-document.js';
import type { ApiService } from '../../api/api-service.js';
import { Library, type LibraryUnlock } from '../../library/library.js';
import { libraryPaths } from '../../library/library-paths.js';
import { NoUnlockMethodError, WrongPassphraseError } from '../key-errors.js';
import { readKeySlots } from '../key-slots.js';
import { rotateLibraryKey } from '../key-rotation.js';
import type { SecretStore } from '../secret-store.js';
import { SecretStoreError } from '../secret-store.js';
import { UnlockBackoff } from './unlock-backoff.js';
import { PendingAuditJournal } from '../audit/pending-journal.js';
import type { OsAuthenticator } from './os-authenticator.js';
import { readOsUnlockEnabled, writeOsUnlockEnabled } from './os-unlock-setting.js';

/** What the OS prompt says ClipShot is trying to do (macOS shows "ClipShot is trying to …"). */
export const OS_UNLOCK_REASON = 'unlock your library';

/** What runs while the library is open: the library, the API over it, and whatever else holds it. */
export interface UnlockedInstance {
  readonly library: Library;
  readonly api: ApiService;
  /** Stops everything that holds the library, then closes it (pending writes are saved first). */
  close(): Promise<void>;
}

export type LockReason = 'person' | 'idle' | 'suspend' | 'lock-screen';

export type UnlockRequest = { passphrase: string } | { keychain: true } | { osAuth: true };

export interface InstanceLockOptions<T extends UnlockedInstance> {
  dir: string;
  /** Starts what runs around a freshly opened library; on failure the lock closes the library. */
  start(library: Library): Promise<T>;
  /** The OS keychain where this instance can reach one (tried for `{ keychain: true }`). */
  keychain?: () => Promise<SecretStore | null>;
  /** The OS's check of the person (Touch ID; main/app/), where this instance has one: the gate in front of the keychain. */
  osAuthenticator?: OsAuthenticator;
  /** Who unlocks, for the audit log. */
  actor: AuditActor;
  /** Injectable so tests move time instead of waiting for it. */
  now?: () => number;
  /** How often idleness is checked (ms); 0: never by itself (tests call checkIdle). */
  checkEveryMs?: number;
}

type LockListener<T> = (state: LockState, instance: T | null) => void;

/**
 * The app lock of a running instance (the desktop app or `serve`). Locking stops everything that
 * holds the library and closes it, so its keys leave memory; while locked, `current()` refuses
 * with ApiError 'locked'. Unlocking opens the library again (Library.open audits both outcomes)
 * and restarts what runs around it.
 */
export class InstanceLock<T extends UnlockedInstance> {
  #instance: T | null;
  #transition: Promise<unknown> = Promise.resolve();
  #lastActivity: number;
  #lockAfterMinutes: number | null = null;
  readonly #listeners = new Set<LockListener<T>>();
  readonly #backoff: UnlockBackoff;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout | null;

  constructor(
    initial: T,
    private readonly options: InstanceLockOptions<T>,
  ) {
    this.#instance = initial;
    this.#now = options.now ?? Date.now;
    this.#backoff = new UnlockBackoff(this.#now);
    this.#lastActivity = this.#now();
    const every = options.checkEveryMs ?? 15_000;
    this.#timer = every > 0 ? setInterval(() => void this.checkIdle().catch(() => undefined), every) : null;
    this.#timer?.unref();
    void this.#readLockAfter(initial).catch(() => undefined);
  }

  get locked(): boolean {
    return this.#instance === null;
  }

  /** The running instance; ApiError 'locked' while locked. */
  current(): T {
    if (this.#instance === null) throw new ApiError('locked', 'the library is locked: unlock it with its passphrase (or `clipshot unlock`)');
    return this.#instance;
  }

  async state(): Promise<LockState> {
    const keychainUnlock = await this.#keychainUnlockable();
    return { locked: this.locked, lockAfterMinutes: this.locked ? null : this.#lockAfterMinutes, keychainUnlock, osUnlock: await this.#osUnlockState(keychainUnlock) };
  }

  onChange(listener: LockListener<T>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A request from the person: the idle time starts again. */
  touch(): void {
    this.#lastActivity = this.#now();
  }

  /** Locks when the person has been idle for the library's lock-after time. */
  async checkIdle(): Promise<void> {
    const instance = this.#instance;
    if (!instance) return;
    const minutes = await this.#readLockAfter(instance);
    if (minutes !== null && this.#now() - this.#lastActivity >= minutes * 60_000 && this.#instance === instance) await this.lock('idle');
  }

  /** Saves what is pending, stops what holds the library and closes it. Locking a locked instance does nothing. */
  lock(_reason: LockReason): Promise<void> {
    return this.#serial(async () => {
      const instance = this.#instance;
      if (!instance) return;
      // Refused from here on, before the close: nothing new starts while the library goes away.
      this.#instance = null;
      try {
        await instance.close();
      } finally {
        await this.#emit();
      }
    });
  }

  /**
   * Opens the library again. A wrong passphrase is audited (by Library.open) and counted, and so is
   * a refused OS prompt (here); a few, and tries must wait. Where OS unlock is offered, a keychain
   * unlock prompts as well: the keychain slot alone does not tell who is at the computer.
   */
  unlock(request: UnlockRequest, actor: AuditActor = this.options.actor): Promise<LockState> {
    return this.#serial(async () => {
      if (this.#instance) return this.state();
      this.#backoff.check();
      const library = await this.#openLibrary(request, actor);
      this.#backoff.succeeded();
      let instance: T;
      try {
        instance = await this.options.start(library);
      } catch (error) {
        await library.close().catch(() => undefined);
        throw error;
      }
      this.#instance = instance;
      this.touch();
      await this.#readLockAfter(instance).catch(() => undefined);
      await this.#emit();
      return this.state();
    });
  }

  /**
   * Key rotation in a running instance: what holds the library stops (as for a lock), the key is
   * rotated on the closed files, and the instance starts again under the new key if it was unlocked.
   */
  rotateKey(passphrase: string | null, actor: AuditActor = this.options.actor): Promise<{ slots: number; blobs: number }> {
    return this.#serial(async () => {
      const instance = this.#instance;
      if (instance) {
        this.#instance = null;
        await instance.close();
        await this.#emit();
      }
      const store = (await this.options.keychain?.()) ?? null;
      const rotated = await rotateLibraryKey(libraryPaths(this.options.dir), { passphrase, store }, actor).catch((error: unknown) => error as Error);
      if (instance) {
        // Under the new key (or, when the rotation failed before its end, as Library.open finds it).
        const library = await Library.open(this.options.dir, passphrase ? { method: 'passphrase', passphrase } : { method: 'secret-store', store: store! }, actor);
        this.#instance = await this.options.start(library).catch(async (error: unknown) => {
          await library.close().catch(() => undefined);
          throw error;
        });
        this.touch();
        await this.#emit();
      }
      if (rotated instanceof Error) throw rotated;
      return rotated;
    });
  }

  /** Turns OS unlock on or off for this device; turning it on needs an OS that can prompt here. */
  async setOsUnlock(enabled: boolean, actor: AuditActor = this.options.actor): Promise<LockState> {
    const { library } = this.current();
    const authenticator = this.options.osAuthenticator;
    if (enabled && !osAuthenticatorOffered(authenticator)) {
      throw new ApiError('unsupported', 'this ClipShot cannot ask the OS to confirm who you are: only the desktop app on a Mac with Touch ID can');
    }
    await writeOsUnlockEnabled(this.options.dir, enabled);
    library.audit.record({ kind: 'key-change', actor, details: { action: enabled ? 'os-unlock-on' : 'os-unlock-off', ...(authenticator && { authenticator: authenticator.name }) } });
    return this.state();
  }

  /** Changes the idle time in the library's settings (so it follows the library to every device). */
  async setLockAfter(minutes: number | null): Promise<LockState> {
    const { library } = this.current();
    await library.write(() =>
      library.settings.change(settingsChangeMessage('lock'), (doc) => {
        doc.lockAfterMinutes = minutes ?? 0;
      }),
    );
    this.#lockAfterMinutes = minutes;
    return this.state();
  }

  /** The instance is going away: closes what is open, without a 'lock-changed'. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#serial(async () => {
      const instance = this.#instance;
      this.#instance = null;
      await instance?.close();
    });
    this.#listeners.clear();
  }

  async #openLibrary(request: UnlockRequest, actor: AuditActor): Promise<Library> {
    let unlock: LibraryUnlock;
    if ('passphrase' in request) unlock = { method: 'passphrase', passphrase: request.passphrase };
    else {
      const osUnlock = await this.#osUnlockState(await this.#keychainUnlockable());
      if ('osAuth' in request && !osUnlock.offered) throw new ApiError('unsupported', osUnlockUnavailableReason(osUnlock));
      const store = (await this.options.keychain?.()) ?? null;
      if (!store) throw new ApiError('unsupported', 'no OS keychain is reachable from this ClipShot: unlock with the passphrase');
      if (osUnlock.offered && osUnlock.name !== null) {
        await this.#confirmWithOs(osUnlock.name, actor);
        unlock = { method: 'os-auth', store, authenticator: osUnlock.name };
      } else unlock = { method: 'secret-store', store };
    }
    try {
      return await Library.open(this.options.dir, unlock, actor);
    } catch (error) {
      if (error instanceof WrongPassphraseError) throw new ApiError('unauthorized', `wrong passphrase (${this.#backoff.failed()})`);
      if (error instanceof NoUnlockMethodError || error instanceof SecretStoreError) {
        this.#backoff.failed();
        throw new ApiError('unauthorized', error.message);
      }
      throw error;
    }
  }

  /** The OS prompt; a refusal is audited (the library is closed: into the pending journal) and counted like a wrong passphrase. */
  async #confirmWithOs(name: string, actor: AuditActor): Promise<void> {
    let confirmed: boolean;
    try {
      confirmed = await this.options.osAuthenticator!.verify(OS_UNLOCK_REASON);
    } catch (error) {
      await this.#recordOsFailure(name, 'os-error', actor);
      throw new ApiError('unsupported', `${name} could not ask who you are (${error instanceof Error ? error.message : String(error)}): unlock with the passphrase`);
    }
    if (confirmed) return;
    await this.#recordOsFailure(name, 'refused', actor);
    throw new ApiError('unauthorized', `${name} did not confirm it is you (${this.#backoff.failed()})`);
  }

  async #recordOsFailure(name: string, reason: string, actor: AuditActor): Promise<void> {
    const journal = new PendingAuditJournal(libraryPaths(this.options.dir).auditPending);
    journal.record({ kind: 'unlock-failed', actor, details: { method: 'os-auth', authenticator: name, reason } });
    await journal.flush().catch(() => undefined);
  }

  async #osUnlockState(keychainSlot: boolean): Promise<OsUnlockState> {
    const authenticator = this.options.osAuthenticator;
    const name = authenticator && osAuthenticatorOffered(authenticator) ? authenticator.name : null;
    const enabled = await readOsUnlockEnabled(this.options.dir);
    return { name, enabled, keychainSlot, offered: name !== null && enabled && keychainSlot };
  }

  async #readLockAfter(instance: T): Promise<number | null> {
    const minutes = await instance.library.settings.read((doc) => readLockAfterMinutes(doc));
    if (this.#instance === instance) this.#lockAfterMinutes = minutes;
    return minutes;
  }

  async #keychainUnlockable(): Promise<boolean> {
    if (!this.options.keychain) return false;
    const { slots } = await readKeySlots(libraryPaths(this.options.dir).keyFile).catch(() => ({ slots: [] }));
    return slots.some((slot) => slot.method === 'keychain') && (await this.options.keychain()) !== null;
  }

  async #emit(): Promise<void> {
    const state = await this.state();
    for (const listener of this.#listeners) listener(state, this.#instance);
  }

  #serial<R>(work: () => Promise<R>): Promise<R> {
    const run = this.#transition.catch(() => undefined).then(work);
    this.#transition = run;
    return run;
  }
}

/** Whether the OS can prompt now; an authenticator that cannot even say is taken as not offering. */
function osAuthenticatorOffered(authenticator: OsAuthenticator | undefined): boolean {
  try {
    return authenticator?.offered() ?? false;
  } catch {
    return false;
  }
}

function osUnlockUnavailableReason(state: OsUnlockState): string {
  if (state.name === null) return 'this ClipShot cannot ask the OS to confirm who you are: unlock with the passphrase';
  if (!state.enabled) return `unlocking with ${state.name} is turned off on this device (Settings → Lock): unlock with the passphrase`;
  return `unlocking with ${state.name} needs the OS keychain as an unlock method of this library (clipshot keys add-keychain): unlock with the passphrase`;
}
