// The Devices panel's "Who can see what": this person, each shared collection with its members and
// their roles, and the changes from other people that were rejected, kept fresh by sync's events.
import { describe, expect, test } from 'vitest';
import { byTestId, openDevicesPanel, text, useDevicesHarness } from './devices-harness.js';

const harness = useDevicesHarness();

describe('who can see what', () => {
  test('says nothing is shared, then shows a shared collection, its members and roles, and rejected changes', async () => {
    await openDevicesPanel();
    await expect.poll(() => byTestId('sharing-none') !== null).toBe(true);
    expect(text('sharing-person')).toContain('P3RS-0N00-0000-0000');
    expect(byTestId('sharing-rejected')).toBeNull();

    const me = harness.sync.sharing.person.id;
    harness.sync.updateSharing((sharing) => {
      sharing.people = [{ id: `person-${'b'.repeat(32)}`, fingerprint: 'B0B0-B0B0-B0B0-B0B0', self: false, devices: ['Bob laptop'] }];
      sharing.collections = [
        {
          id: 'a'.repeat(26),
          name: 'Trip',
          role: 'owner',
          clips: 2,
          members: [
            { personId: me, name: 'owner', role: 'owner', at: 1 },
            { personId: `person-${'b'.repeat(32)}`, name: 'Bob laptop', role: 'viewer', at: 2 },
            { personId: `person-${'c'.repeat(32)}`, name: 'Carol', role: 'revoked', at: 3 },
          ],
        },
      ];
      sharing.rejectedChanges = 2;
    });
    await expect.poll(() => document.querySelectorAll('[data-testid="shared-collection"]').length).toBe(1);
    const table = byTestId<HTMLTableElement>('shared-collection')!;
    expect(table.querySelector('caption')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Trip: 2 clips, you are owner');
    const rows = [...table.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent));
    expect(rows).toEqual([['You', 'Owner'], ['Bob laptop', 'Viewer'], ['Carol', 'Revoked']]);
    // Row headers name each person for a screen reader moving through the table.
    expect([...table.querySelectorAll('tbody th')].every((cell) => cell.getAttribute('scope') === 'row')).toBe(true);
    expect(text('sharing-rejected')).toContain('2 changes from other people rejected');
    expect(text('sharing-person')).toContain('Bob laptop (B0B0-B0B0-B0B0-B0B0)');
    expect(byTestId('sharing-none')).toBeNull();
  });
});
