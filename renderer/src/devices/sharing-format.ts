import type { MemberStanding, PersonView } from '../../../contract/sharing.js';

export const ROLE_LABELS: Record<MemberStanding, string> = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer', revoked: 'Revoked' };

/** A person's devices paired here, by name ('' when none is known). */
export function deviceNames(person: PersonView): string {
  return person.devices.join(' / ');
}

/** How a person is named on screen: their devices, then the fingerprint both screens show. */
export function personLabel(person: PersonView): string {
  return person.devices.length > 0 ? `${deviceNames(person)} (${person.fingerprint})` : person.fingerprint;
}
