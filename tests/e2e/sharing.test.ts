// Sharing in Chromium against two real `clipshot serve` instances that belong to two people (Alice
// and Bob, their devices paired as another person's): Alice shares a collection from her Devices
// panel, Bob's panel shows its clips and, once he is an editor, his rename reaches Alice's own clip;
// Alice revokes him after being told what revocation cannot do.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClipView } from '../../contract/clips.js';
import type { SharingStatus } from '../../contract/sharing.js';
import { importText } from '../../main/library/importer.js';
import { Library } from '../../main/library/library.js';
import { changeClipCollections } from '../../main/library/operations/clip-edits.js';
import { collect, runCli, startCli, TEST_PASSPHRASE, waitForLine } from '../helpers/cli.js';
import { saveScreenshot, startApp, type AppHarness } from './app-harness.js';

let alice: AppHarness;
let bob: AppHarness;
let alicePage: Page;
let bobPage: Page;
let recipeId = '';

async function cliJson<T>(app: AppHarness, args: string[]): Promise<T> {
  const result = await runCli(['--library', app.libraryDir, ...args, '--json']);
  if (result.code !== 0) throw new Error(`clipshot ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Pairs Bob's device with Alice's as another person's, through both instances' control sockets. */
async function pairAsPeople(): Promise<void> {
  const inviter = startCli(['--library', alice.libraryDir, 'pair', '--json', '--person']);
  const { invitation } = JSON.parse(await waitForLine(inviter, /"invitation"/)) as { invitation: { code: string; addresses: string[] } };
  const shown = collect(inviter);
  const loopback = invitation.addresses.find((address) => address.startsWith('127.0.0.1:')) ?? invitation.addresses[0]!;
  const joined = await runCli(['--library', bob.libraryDir, 'pair', invitation.code, '--peer', loopback, '--json', '--person']);
  expect(joined.code, joined.stderr).toBe(0);
  expect((await shown).code).toBe(0);
}

async function openDevices(page: Page): Promise<void> {
  if (!(await page.getByTestId('settings-dialog').isVisible())) await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-tab-devices').click();
  await page.getByTestId('sharing').waitFor();
}

const cardOf = (page: Page, name: string) => page.getByTestId('shared-collection').filter({ has: page.locator('caption', { hasText: name }) });

beforeAll(async () => {
  [alice, bob] = await Promise.all([
    startApp({}, async (libraryDir) => {
      const library = await Library.create(libraryDir, { passphrase: TEST_PASSPHRASE });
      for (const [text, collections] of [['Tomato soup: four tomatoes, one onion', ['Recipes']], ['Bank PIN reminder', []]] as const) {
        const event = await importText(library, text);
        if (event.type !== 'imported') throw new Error(`seeding failed: ${JSON.stringify(event)}`);
        if (collections.length > 0) {
          recipeId = event.id;
          await changeClipCollections(library, event.id, { add: [...collections] });
        }
      }
      await library.close();
    }),
    startApp(),
  ]);
  await pairAsPeople();
  [alicePage, bobPage] = await Promise.all([alice.openTab(), bob.openTab()]);
  await Promise.all([openDevices(alicePage), openDevices(bobPage)]);
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
});

describe('sharing a collection with another person', () => {
  it('Alice shares Recipes with Bob as a viewer from her Devices panel; Bob sees its clip and nothing else', async () => {
    const form = alicePage.getByTestId('share-form');
    await form.waitFor();
    await alicePage.getByTestId('share-collection').fill('Recipes');
    expect(await alicePage.getByTestId('share-role').inputValue()).toBe('viewer');
    await alicePage.getByTestId('share-collection').press('Enter');
    await expect.poll(() => alicePage.getByTestId('share-outcome').textContent()).toMatch(/^“Recipes” is shared with .* as viewer\.$/);
    await cardOf(alicePage, 'Recipes').waitFor();

    await cardOf(bobPage, 'Recipes').waitFor({ timeout: 30_000 });
    await expect.poll(() => cardOf(bobPage, 'Recipes').locator('caption').textContent(), { timeout: 30_000 }).toMatch(/Recipes: 1 clip, you are viewer/);
    await cardOf(bobPage, 'Recipes').getByTestId('shared-collection-clips-toggle').click();
    await expect.poll(() => bobPage.getByTestId('shared-clip-title').allTextContents(), { timeout: 30_000 }).toEqual(['Tomato soup: four tomatoes, one onion']);
    expect(await bobPage.getByTestId('shared-clip-rename').count()).toBe(0);
    // Nothing private crossed: Bob's own library is empty.
    expect((await cliJson<{ items: ClipView[] }>(bob, ['list'])).items).toEqual([]);
    await saveScreenshot(bobPage, 'sharing-viewer');
  });

  it('made an editor from the role select, Bob renames the clip and Alice’s own clip follows', async () => {
    const role = cardOf(alicePage, 'Recipes').getByTestId('member-role');
    await role.selectOption('editor');
    await expect.poll(() => cardOf(alicePage, 'Recipes').getByTestId('shared-collection-outcome').textContent()).toMatch(/is now editor\.$/);
    await expect.poll(() => cardOf(bobPage, 'Recipes').locator('caption').textContent(), { timeout: 30_000 }).toMatch(/you are editor/);

    const rename = bobPage.getByTestId('shared-clip-rename');
    await rename.waitFor({ timeout: 30_000 });
    await rename.click();
    const input = bobPage.getByTestId('shared-clip-title-input');
    await input.fill('Grandma’s tomato soup');
    await input.press('Enter');
    await expect.poll(() => bobPage.getByTestId('shared-clip-title').textContent()).toBe('Grandma’s tomato soup');
    await expect.poll(async () => (await cliJson<ClipView>(alice, ['show', recipeId])).title, { timeout: 30_000 }).toBe('Grandma’s tomato soup');
  });

  it('Alice revokes Bob after being told what revocation cannot take back', async () => {
    await cardOf(alicePage, 'Recipes').getByTestId('member-revoke').click();
    const confirm = alicePage.getByTestId('revoke-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('cannot take back copies already synced');
    await saveScreenshot(alicePage, 'sharing-revoke');
    await alicePage.getByTestId('revoke-confirm-button').click();
    await expect.poll(() => cardOf(alicePage, 'Recipes').getByTestId('member-revoked').count()).toBe(1);
    const status = await cliJson<SharingStatus>(alice, ['share', 'list']);
    expect(status.collections.find((collection) => collection.name === 'Recipes')?.members.map((member) => member.role)).toEqual(['owner', 'revoked']);
  });
});
