// The typed contract of people and shared collections, shared by the core, the CLI, the API and the renderer.
import { z } from 'zod';
import type { ClipView } from './clips.js';

export const SHARE_ROLES = ['viewer', 'editor', 'owner'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];
/** A member's standing in a collection's access list: a role, or revoked. */
export type MemberStanding = ShareRole | 'revoked';

/** A person: this device's own, or another whose devices are paired with this one. */
export interface PersonView {
  /** `person-` and 32 hex digits of the SHA-256 of their Ed25519 key. */
  id: string;
  /** What people compare on both screens, e.g. "K7QH-2M4X-9PLC-WW3E". */
  fingerprint: string;
  self: boolean;
  /** The names of their devices paired with this one (this device's own name for self). */
  devices: string[];
}

export interface SharedCollectionMemberView {
  personId: string;
  name: string;
  role: MemberStanding;
  at: number;
}

export interface SharedCollectionView {
  id: string;
  name: string;
  /** This person's standing in it; null while its access list has not arrived. */
  role: MemberStanding | null;
  members: SharedCollectionMemberView[];
  clips: number;
}

export interface SharingStatus {
  person: PersonView;
  people: PersonView[];
  collections: SharedCollectionView[];
  /** Changes from other devices kept out of shared collections (their author's role did not allow them). */
  rejectedChanges: number;
  lastRejectedAt: number | null;
}

export interface SharedClips {
  collection: SharedCollectionView;
  clips: ClipView[];
}

/** People and shared collections, as sync offers them to the CLI and the API. */
export interface SharingControl {
  status(): SharingStatus;
  /**
   * Shares the library's collection of that name (or a collection already shared, by name or id)
   * with a person — a person id, a fingerprint, or the name of one of their devices — or changes
   * their role. Owners only.
   */
  share(collection: string, person: string, role: string): Promise<SharedCollectionView>;
  /** Revokes a person: nothing new of the collection reaches their devices, and their changes are rejected. */
  unshare(collection: string, person: string): Promise<SharedCollectionView>;
  sharedClips(collection: string): SharedClips;
  /** Editors and owners; `clipId` may be a prefix of one of the collection's clips. */
  editSharedClip(collection: string, clipId: string, edit: { title?: string; notes?: string }): Promise<ClipView>;
}

const collectionReference = z.string().trim().min(1, 'name a collection').max(200, 'a collection is named in at most 200 characters');
const personReference = z.string().trim().min(1, 'name a person').max(200, 'a person is named in at most 200 characters');

export const SHARING_REQUEST_SCHEMAS = {
  /** This device's person, the people paired, and who can see which shared collection. */
  sharingStatus: z.object({}).strict(),
  /** Shares a collection with a person, or changes their role (owners only). */
  shareCollection: z.object({ collection: collectionReference, person: personReference, role: z.enum(SHARE_ROLES) }).strict(),
  /** Revokes a person's access to a shared collection. */
  unshareCollection: z.object({ collection: collectionReference, person: personReference }).strict(),
  /** The clips of a shared collection. */
  sharedClips: z.object({ collection: collectionReference }).strict(),
  /** Renames a shared clip or changes its notes (editors and owners). */
  editSharedClip: z
    .object({ collection: collectionReference, clipId: z.string().regex(/^[0-9a-z]{4,26}$/, 'not a clip id'), title: z.string().max(10_000).optional(), notes: z.string().max(1_000_000).optional() })
    .strict()
    .refine((edit) => edit.title !== undefined || edit.notes !== undefined, 'give a title or notes'),
} as const;

export interface SharingResults {
  sharingStatus: SharingStatus;
  shareCollection: SharedCollectionView;
  unshareCollection: SharedCollectionView;
  sharedClips: SharedClips;
  editSharedClip: ClipView;
}
