// The typed contract of people and shared collections, shared by the core, the CLI, the API and the renderer.

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
