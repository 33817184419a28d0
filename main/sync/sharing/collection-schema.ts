// The two documents of a shared collection: its entries (the clips it shares, copied out of the
// private shards, which mix shared and private clips and so can never be shared) and its access
// list (who may see and change it). Their ids derive from the collection's random id.
import { interpretAsDocumentId, type BinaryDocumentId, type DocumentId } from '@automerge/automerge-repo';
import { createHash, randomBytes } from 'node:crypto';
import type { ClipEntryDoc } from '../../../contract/shard-document.js';
import { SHARE_ROLES, type MemberStanding, type ShareRole } from '../../../contract/sharing.js';

export type CollectionRole = ShareRole;
// A revoked member stays listed, so the revocation syncs and stays.
export type { MemberStanding };

export type CollectionPart = 'entries' | 'acl';

export interface CollectionMemberDoc {
  /** The person's Ed25519 public key, base64. */
  key: string;
  role: MemberStanding;
  /** What the owner calls this person (a device name), for `share list`. */
  name: string;
  at: number;
}

export interface CollectionAclDoc {
  type: 'clipshot-collection-acl';
  collection: string;
  name: string;
  /** By person id (person-…). */
  members: Record<string, CollectionMemberDoc>;
}

export interface CollectionEntriesDoc {
  type: 'clipshot-collection-entries';
  collection: string;
  /** The shared clips' entries, by clip id, as in a shard (their `collections` name only this one). */
  clips: Record<string, ClipEntryDoc>;
}

/** A collection id: 26 characters of lower-case base32 (128 random bits), unguessable. */
export const COLLECTION_ID = /^[0-9a-v]{26}$/;

export function newCollectionId(): string {
  const bytes = randomBytes(17);
  let bits = BigInt(`0x${bytes.toString('hex')}`);
  let id = '';
  for (let i = 0; i < 26; i++) {
    id += '0123456789abcdefghijklmnopqrstuv'[Number(bits & 31n)];
    bits >>= 5n;
  }
  return id;
}

export function collectionDocumentId(collection: string, part: CollectionPart): DocumentId {
  const digest = createHash('sha256').update(`clipshot shared collection ${collection} ${part}`).digest();
  return interpretAsDocumentId(new Uint8Array(digest.subarray(0, 16)) as BinaryDocumentId);
}

export function isCollectionRole(value: unknown): value is CollectionRole {
  return typeof value === 'string' && (SHARE_ROLES as readonly string[]).includes(value);
}

/** What a role allows on each document: owners change the access list; editors and owners the entries. */
export function mayChange(standing: MemberStanding | null, part: CollectionPart): boolean {
  if (part === 'acl') return standing === 'owner';
  return standing === 'owner' || standing === 'editor';
}

export function mayRead(standing: MemberStanding | null): boolean {
  return standing !== null && standing !== 'revoked';
}
