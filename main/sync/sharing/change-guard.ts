import * as Automerge from '@automerge/automerge';
import type { Library } from '../../library/library.js';
import { personOfActor } from '../people/person-identity.js';
import { mayChange, type CollectionAclDoc, type CollectionPart } from './collection-schema.js';
import type { SharedCollections } from './shared-collections.js';

/**
 * Why a change was kept out: its author's role does not allow it (`role`), its actor is not bound to
 * a person (`unbound`), it builds on a change kept out before (`depends`), or another person's device
 * passed on a change that is not its own person's (`relayed`: changes are not signed, so only an
 * author's own devices can vouch for them; dropped, not recorded: it may still arrive from them).
 */
export type RejectionReason = 'role' | 'unbound' | 'depends' | 'relayed';

export interface RejectedChange {
  hash: string;
  collection: string;
  part: CollectionPart;
  /** The author's person, as the change's actor names it; null when it names none. */
  person: string | null;
  reason: RejectionReason;
}

/** Who sent a message: one of this person's own devices, or a device of another (certified) person. */
export interface ChangeSender {
  peerId: string;
  own: boolean;
  personId: string | null;
}

export interface Screened {
  /** The sync message to deliver (the changes kept out removed); null to deliver nothing. */
  data: Uint8Array | null;
  /** The persons whose new changes were let through. */
  authors: Set<string>;
  /** Changes kept out for the first time (already-known ones are not reported again). */
  rejected: RejectedChange[];
}

/**
 * Checks every change that arrives for a shared collection's documents against its author's role
 * before automerge-repo sees it: the author is the person the change's actor names (every device
 * writes collection documents with its bound actor), and a device of another person may only bring
 * its own person's changes. Changes kept out are recorded here (so what builds on them is kept out
 * too, and each is reported once) and removed from the message; the rest is delivered.
 */
export class ChangeGuard {
  constructor(
    private readonly library: Library,
    private readonly collections: SharedCollections,
  ) {
    library.db.exec(`CREATE TABLE IF NOT EXISTS sharing_rejected (
      hash TEXT PRIMARY KEY, collection TEXT NOT NULL, part TEXT NOT NULL, person TEXT, sender TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL
    ) STRICT`);
  }

  /** How many changes were kept out, and when the last was. */
  summary(): { rejectedChanges: number; lastRejectedAt: number | null } {
    const row = this.library.db.prepare('SELECT count(*) AS n, max(at) AS last FROM sharing_rejected').get() as { n: number; last: number | null };
    return { rejectedChanges: row.n, lastRejectedAt: row.last };
  }

  screen(collection: string, part: CollectionPart, sender: ChangeSender, data: Uint8Array): Screened {
    let decoded: Automerge.DecodedSyncMessage;
    try {
      decoded = Automerge.decodeSyncMessage(data);
    } catch {
      // Malformed: nothing to judge, and the repo would refuse it.
      return { data: null, authors: new Set(), rejected: [] };
    }
    if (decoded.changes.length === 0) return { data, authors: new Set(), rejected: [] };
    // Entries whose access list has not come (it was waited for): nothing to judge them by; not a rejection.
    if (part === 'entries' && !this.collections.hasAcl(collection)) return { data: null, authors: new Set(), rejected: [] };
    const changes = expandChunks(decoded.changes);
    // Undecodable: nothing to judge, and the repo would refuse it.
    if (changes === null) return { data: null, authors: new Set(), rejected: [] };
    const known = this.library.db.prepare('SELECT 1 FROM sharing_rejected WHERE hash = ?');
    // Before this collection's access list has arrived, the list the message itself makes is the
    // one its changes are checked against (its authors must be owners in it).
    const bootstrap = part === 'acl' && !this.collections.hasAcl(collection) ? membersOf(changes) : null;
    const standing = (person: string) => (bootstrap ? (bootstrap[person]?.role ?? null) : this.collections.standing(collection, person));
    const keptOut = new Set<string>();
    const accepted: Automerge.Change[] = [];
    const authors = new Set<string>();
    const rejected: RejectedChange[] = [];
    for (const { change, info } of changes) {
      const hash = info.hash!;
      const person = personOfActor(info.actor);
      let reason: RejectionReason | null = null;
      // Already here (a whole document sent back, say): nothing new to judge.
      if (this.collections.hasChange(collection, part, hash)) {
        accepted.push(change);
        continue;
      }
      if (known.get(hash) !== undefined) reason = 'depends';
      else if (info.deps.some((dep) => keptOut.has(dep) || known.get(dep) !== undefined)) reason = 'depends';
      else if (person === null) reason = 'unbound';
      else if (!sender.own && person !== sender.personId) reason = 'relayed';
      else if (!mayChange(standing(person), part)) reason = 'role';
      if (reason === null) {
        accepted.push(change);
        authors.add(person!);
        continue;
      }
      keptOut.add(hash);
      if (known.get(hash) === undefined) rejected.push({ hash, collection, part, person, reason });
    }
    if (rejected.length > 0) this.#record(rejected, sender);
    if (keptOut.size === 0) return { data, authors, rejected };
    return { data: Automerge.encodeSyncMessage({ ...decoded, changes: accepted }), authors, rejected };
  }

  #record(rejected: RejectedChange[], sender: ChangeSender): void {
    const insert = this.library.db.prepare('INSERT INTO sharing_rejected (hash, collection, part, person, sender, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING');
    const now = Date.now();
    // Outside any write: one small insert each; a relayed change is not recorded (it may yet come from its author).
    for (const change of rejected) if (change.reason !== 'relayed') insert.run(change.hash, change.collection, change.part, change.person, sender.peerId, change.reason, now);
  }
}

/**
 * The changes a sync message carries, one by one: a chunk is a single change, or (as automerge
 * sends a document the other side lacks entirely) a whole saved document of many. Null when one is neither.
 */
function expandChunks(chunks: Automerge.Change[]): { change: Automerge.Change; info: Automerge.DecodedChange }[] | null {
  const changes: { change: Automerge.Change; info: Automerge.DecodedChange }[] = [];
  for (const chunk of chunks) {
    try {
      changes.push({ change: chunk, info: Automerge.decodeChange(chunk) });
      continue;
    } catch {
      // Not a change chunk: a document chunk, perhaps.
    }
    let doc: Automerge.Doc<unknown> | null = null;
    try {
      doc = Automerge.load(chunk);
      for (const change of Automerge.getAllChanges(doc)) changes.push({ change, info: Automerge.decodeChange(change) });
    } catch {
      return null;
    } finally {
      if (doc) Automerge.free(doc);
    }
  }
  return changes;
}

/** The members an access list made of these changes alone would have. */
function membersOf(changes: { change: Automerge.Change }[]): CollectionAclDoc['members'] {
  let doc = Automerge.init<CollectionAclDoc>();
  try {
    [doc] = Automerge.applyChanges(doc, changes.map((item) => item.change));
    const members = doc.members ?? {};
    return JSON.parse(JSON.stringify(doc.type === 'clipshot-collection-acl' ? members : {})) as CollectionAclDoc['members'];
  } catch {
    return {};
  } finally {
    Automerge.free(doc);
  }
}
