// The Devices panel's "Who can see what": this person, each shared collection with its members and
// their roles, kept fresh by sync's events; owners share, change roles and revoke (asking first);
// everyone reads a collection's clips, and editors rename them.
import { describe, expect, test } from 'vitest';
import type { ClipView } from '../../../contract/clips.js';
import type { SharedCollectionView } from '../../../contract/sharing.js';
import { byTestId, focusedTestId, openDevicesPanel, text, typeInto, useDevicesHarness } from './devices-harness.js';

const harness = useDevicesHarness();
const BOB = `person-${'b'.repeat(32)}`;
const CAROL = `person-${'c'.repeat(32)}`;

const cards = () => [...document.querySelectorAll<HTMLElement>('[data-testid="shared-collection"]')];
const cardNamed = (name: string) => cards().find((card) => card.querySelector('caption')?.textContent?.includes(name));
/** Each member row as [person, role], the role read from its select where the owner may change it. */
const rowsOf = (card: HTMLElement) =>
  [...card.querySelectorAll('tbody tr')].map((row) => [row.querySelector('th')?.textContent?.trim(), row.querySelector('select')?.value ?? row.querySelector('td')?.textContent?.trim()]);

function pairBob(): void {
  harness.sync.updateSharing((sharing) => {
    sharing.people = [{ id: BOB, fingerprint: 'B0B0-B0B0-B0B0-B0B0', self: false, devices: ['Bob laptop'] }];
  });
}

function sharedWithMe(role: 'viewer' | 'editor', clips: Partial<ClipView>[]): SharedCollectionView {
  const collection: SharedCollectionView = {
    id: 'f'.repeat(26),
    name: 'Recipes',
    role,
    clips: clips.length,
    members: [
      // As the access list stores an owner's own entry.
      { personId: BOB, name: 'owner', role: 'owner', at: 1 },
      { personId: harness.sync.sharingState.person.id, name: 'Studio laptop', role, at: 2 },
    ],
  };
  harness.sync.sharedClipsOf.set(
    collection.id,
    clips.map((clip, index) => ({ id: `${index}`.padStart(26, 'r'), kind: 'text', title: '', notes: '', tags: [], collections: ['Recipes'], capturedAt: 1, importedAt: 1, updatedAt: 1, deletedAt: null, contentHash: '0'.repeat(64), media: null, text: '', sourceName: '', edited: null, ...clip })),
  );
  harness.sync.updateSharing((sharing) => {
    sharing.collections.push(collection);
  });
  return collection;
}

describe('who can see what', () => {
  test('says nothing is shared, then shows a shared collection, its members and roles, and rejected changes', async () => {
    await openDevicesPanel();
    await expect.poll(() => byTestId('sharing-none') !== null).toBe(true);
    expect(text('sharing-person')).toContain('P3RS-0N00-0000-0000');
    expect(byTestId('sharing-rejected')).toBeNull();
    // With nobody else paired there is no one to share with, and the panel says how to pair one.
    expect(byTestId('share-form')).toBeNull();
    expect(text('sharing-no-people')).toContain('clipshot pair --person');

    const me = harness.sync.sharingState.person.id;
    harness.sync.updateSharing((sharing) => {
      sharing.people = [{ id: BOB, fingerprint: 'B0B0-B0B0-B0B0-B0B0', self: false, devices: ['Bob laptop'] }];
      sharing.collections = [
        {
          id: 'a'.repeat(26),
          name: 'Trip',
          role: 'owner',
          clips: 2,
          members: [
            { personId: me, name: 'owner', role: 'owner', at: 1 },
            { personId: BOB, name: 'Bob laptop', role: 'viewer', at: 2 },
            { personId: CAROL, name: 'Carol', role: 'revoked', at: 3 },
          ],
        },
      ];
      sharing.rejectedChanges = 2;
    });
    await expect.poll(() => cards().length).toBe(1);
    const card = cards()[0]!;
    expect(card.querySelector('caption')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Trip: 2 clips, you are owner');
    expect(rowsOf(card)).toEqual([['You', 'Owner'], ['Bob laptop', 'viewer'], ['Carol', 'revoked']]);
    // Row headers name each person for a screen reader moving through the table; each control says whose it is.
    expect([...card.querySelectorAll('tbody th')].every((cell) => cell.getAttribute('scope') === 'row')).toBe(true);
    expect([...card.querySelectorAll('[data-testid="member-role"]')].map((select) => select.getAttribute('aria-label'))).toEqual(['Role of Bob laptop', 'Role of Carol']);
    // Only a member with access can be revoked.
    expect([...card.querySelectorAll('[data-testid="member-revoke"]')].map((button) => button.getAttribute('aria-label'))).toEqual(['Revoke Bob laptop']);
    expect(text('sharing-rejected')).toContain('2 changes from other people rejected');
    expect(text('sharing-person')).toContain('Bob laptop (B0B0-B0B0-B0B0-B0B0)');
    expect(byTestId('sharing-none')).toBeNull();
  });

  test('an owner shares a collection of the library with a paired person, changes the role, and revokes after asking', async () => {
    const { clipId } = await harness.core.api.importText({ text: 'the ferry leaves at nine', title: 'Ferry' });
    await harness.core.api.bulkCollections({ selection: { ids: [clipId] }, add: ['Trip'] });
    pairBob();
    await openDevicesPanel();
    await expect.poll(() => byTestId('share-form')).not.toBeNull();
    // The form offers the library's collections and the people paired.
    await expect.poll(() => [...document.querySelectorAll<HTMLOptionElement>('[data-testid="share-form"] datalist option')].map((option) => option.value)).toEqual(['Trip']);
    expect([...byTestId<HTMLSelectElement>('share-person')!.options].map((option) => option.textContent)).toEqual(['Bob laptop (B0B0-B0B0-B0B0-B0B0)']);
    expect(byTestId<HTMLButtonElement>('share-submit')!.disabled).toBe(true);

    typeInto(byTestId<HTMLInputElement>('share-collection')!, 'Trip');
    const role = byTestId<HTMLSelectElement>('share-role')!;
    role.value = 'editor';
    role.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => byTestId<HTMLButtonElement>('share-submit')!.disabled).toBe(false);
    byTestId<HTMLFormElement>('share-form')!.requestSubmit();
    await expect.poll(() => text('share-outcome')).toBe('“Trip” is shared with Bob laptop (B0B0-B0B0-B0B0-B0B0) as editor.');
    const trip = harness.sync.sharingState.collections.find((collection) => collection.name === 'Trip')!;
    expect(trip.members.map((member) => [member.personId, member.role])).toEqual([[harness.sync.sharingState.person.id, 'owner'], [BOB, 'editor']]);
    await expect.poll(() => cardNamed('Trip') !== undefined).toBe(true);

    // The role, changed from its select.
    const select = cardNamed('Trip')!.querySelector<HTMLSelectElement>('[data-testid="member-role"]')!;
    select.value = 'viewer';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => text('shared-collection-outcome')).toBe('Bob laptop is now viewer.');
    expect(trip.members.find((member) => member.personId === BOB)?.role).toBe('viewer');

    // Revoke asks first and says what it cannot do; keeping their access gives the keyboard back.
    cardNamed('Trip')!.querySelector<HTMLButtonElement>('[data-testid="member-revoke"]')!.click();
    await expect.poll(() => byTestId('revoke-confirm')).not.toBeNull();
    expect(text('revoke-confirm')).toContain('cannot take back copies already synced');
    await expect.poll(focusedTestId).toBe('revoke-cancel');
    byTestId('revoke-cancel')!.click();
    await expect.poll(focusedTestId).toBe('member-revoke');
    expect(trip.members.find((member) => member.personId === BOB)?.role).toBe('viewer');
    cardNamed('Trip')!.querySelector<HTMLButtonElement>('[data-testid="member-revoke"]')!.click();
    await expect.poll(() => byTestId('revoke-confirm-button')).not.toBeNull();
    byTestId('revoke-confirm-button')!.click();
    await expect.poll(() => text('shared-collection-outcome')).toBe('Bob laptop is revoked from “Trip”.');
    expect(trip.members.find((member) => member.personId === BOB)?.role).toBe('revoked');
    await expect.poll(() => rowsOf(cardNamed('Trip')!)).toEqual([['You', 'Owner'], ['Bob laptop', 'revoked']]);
  });

  test('a refusal from the core is shown at the form: only an owner shares a collection', async () => {
    pairBob();
    sharedWithMe('viewer', [{ title: 'Soup' }]);
    await openDevicesPanel();
    await expect.poll(() => byTestId('share-form')).not.toBeNull();
    typeInto(byTestId<HTMLInputElement>('share-collection')!, 'Recipes');
    await expect.poll(() => byTestId<HTMLButtonElement>('share-submit')!.disabled).toBe(false);
    byTestId<HTMLFormElement>('share-form')!.requestSubmit();
    await expect.poll(() => text('share-failure')).toMatch(/share “Recipes”.*only an owner/);
    expect(harness.sync.sharingState.collections.find((collection) => collection.name === 'Recipes')!.members.map((member) => member.role)).toEqual(['owner', 'viewer']);
    // A viewer has no owner's controls.
    expect(cardNamed('Recipes')!.querySelector('[data-testid="member-role"]')).toBeNull();
    expect(cardNamed('Recipes')!.querySelector('[data-testid="member-revoke"]')).toBeNull();
  });

  test('a collection shared with you shows its clips; a viewer cannot rename them', async () => {
    pairBob();
    sharedWithMe('viewer', [{ title: 'Soup' }, { title: '', text: 'Two eggs, a cup of flour' }]);
    await openDevicesPanel();
    await expect.poll(() => cardNamed('Recipes') !== undefined).toBe(true);
    // Members are named by their paired devices where this device knows them.
    expect(rowsOf(cardNamed('Recipes')!)).toEqual([['Bob laptop', 'Owner'], ['You', 'Viewer']]);
    const toggle = cardNamed('Recipes')!.querySelector<HTMLButtonElement>('[data-testid="shared-collection-clips-toggle"]')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await expect.poll(() => [...document.querySelectorAll('[data-testid="shared-clip-title"]')].map((title) => title.textContent)).toEqual(['Soup', 'Two eggs, a cup of flour']);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(document.getElementById(toggle.getAttribute('aria-controls')!)).not.toBeNull();
    expect(byTestId('shared-clip-rename')).toBeNull();
  });

  test('an editor renames a shared clip: Esc goes back, Enter keeps it', async () => {
    pairBob();
    const recipes = sharedWithMe('editor', [{ title: 'Soup' }]);
    await openDevicesPanel();
    await expect.poll(() => cardNamed('Recipes') !== undefined).toBe(true);
    cardNamed('Recipes')!.querySelector<HTMLButtonElement>('[data-testid="shared-collection-clips-toggle"]')!.click();
    await expect.poll(() => byTestId('shared-clip-rename')).not.toBeNull();
    expect(byTestId('shared-clip-rename')!.getAttribute('aria-label')).toBe('Rename Soup');

    byTestId('shared-clip-rename')!.click();
    await expect.poll(focusedTestId).toBe('shared-clip-title-input');
    typeInto(byTestId<HTMLInputElement>('shared-clip-title-input')!, 'Not kept');
    byTestId('shared-clip-title-input')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await expect.poll(focusedTestId).toBe('shared-clip-rename');
    expect(text('shared-clip-title')).toBe('Soup');

    byTestId('shared-clip-rename')!.click();
    await expect.poll(() => byTestId('shared-clip-title-input')).not.toBeNull();
    typeInto(byTestId<HTMLInputElement>('shared-clip-title-input')!, 'Tomato soup');
    byTestId('shared-clip-title-input')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await expect.poll(() => text('shared-clip-title')).toBe('Tomato soup');
    await expect.poll(focusedTestId).toBe('shared-clip-rename');
    expect(harness.sync.sharedClipsOf.get(recipes.id)![0]!.title).toBe('Tomato soup');
  });
});
