// Settings → AI providers against a real core and the real library-backed provider registry: the
// on-device provider always on; OpenAI and Anthropic off until turned on in a consent step that
// shows the core's consent text word for word, needs the box ticked and a key (a password field,
// never shown again, in no answer and nowhere on the page afterwards); a changed base URL changes
// the text and takes the agreement back; Turn off, Forget key (asked first); all by keyboard.
import { describe, expect, test } from 'vitest';
import { nextTick } from 'vue';
import { press } from '../library/mount-library.js';
import { byTestId, focusedTestId, openSettingsAt, providerCard, text, typeInto, useAiSettingsHarness } from '../models/ai-settings-harness.js';
import { providerKeyAccount } from '../../../main/ai/providers/library-provider-registry.js';

const KEY = 'sk-proj-renderer-test-0c4d2e9a71';
const openai = () => providerCard('openai');
const dialog = () => byTestId<HTMLDialogElement>('provider-enable-dialog');
const input = (testId: string) => byTestId<HTMLInputElement>(testId)!;

async function openProviders(): Promise<void> {
  await openSettingsAt('ai', 'provider-list');
}

async function openEnable(): Promise<void> {
  byTestId('provider-enable', openai())!.click();
  await expect.poll(() => text('provider-consent-text')).toBeTruthy();
}

function submit(): void {
  byTestId<HTMLFormElement>('provider-enable-form')!.requestSubmit();
}

describe('AI providers settings', () => {
  const harness = useAiSettingsHarness();

  test('shows the on-device provider, always on, and OpenAI and Anthropic off, with where they would send and what they can do', async () => {
    await openProviders();
    expect(text('local-provider')).toContain('On this device');
    expect(text('local-provider')).toContain('Always on');
    expect(text('local-capabilities')).toMatch(/^Reads text in images\. Models…$/);
    expect(text('provider-name', openai())).toBe('OpenAI');
    expect(text('provider-state', openai())).toBe('Off');
    expect(text('provider-summary', openai())).toBe('Off: nothing is sent.');
    expect(text('provider-key', openai())).toBe('None stored');
    expect(text('provider-base-url-shown', openai())).toBe('https://api.openai.com/v1');
    expect(text('provider-model-shown', openai())).toBe('gpt-4o-mini');
    expect(text('provider-capabilities', openai())).toBe('Reads text in images, Suggests tags, Describes images, Finds similar clips');
    expect(text('provider-state', providerCard('anthropic'))).toBe('Off');
    expect(text('provider-capabilities', providerCard('anthropic'))).toBe('Reads text in images, Suggests tags, Describes images');
    expect(byTestId('provider-forget', openai())).toBeNull();
    expect(byTestId('provider-disable', openai())).toBeNull();

    byTestId('open-models')!.click();
    await expect.poll(() => byTestId('model-list')).not.toBeNull();
  });

  test('the consent step shows the core’s text word for word, and turns nothing on without the box ticked and a key', async () => {
    await openProviders();
    await openEnable();
    expect(dialog()!.open).toBe(true);
    expect(focusedTestId()).toBe('provider-api-key');
    expect(input('provider-api-key').type).toBe('password');
    expect(input('provider-base-url').value).toBe('https://api.openai.com/v1');
    expect(input('provider-model').value).toBe('gpt-4o-mini');
    const view = await harness.registry.view('openai');
    expect(byTestId('provider-consent-text')!.textContent).toBe(view.consentText);

    typeInto(input('provider-api-key'), KEY);
    submit();
    await expect.poll(() => text('provider-agree-error')).toBe('Read what would be sent, then tick “I agree” to turn OpenAI on.');
    expect(focusedTestId()).toBe('provider-consent-check');

    typeInto(input('provider-api-key'), '');
    input('provider-consent-check').click();
    submit();
    await expect.poll(() => text('provider-key-error')).toBe('Paste your OpenAI API key.');
    expect(focusedTestId()).toBe('provider-api-key');
    expect((await harness.registry.view('openai')).enabled).toBe(false);
    expect(harness.keychain.size).toBe(0);
  });

  test('with the box ticked and a key it turns on; the key is stored, cleared from the form, and shown nowhere', async () => {
    await openProviders();
    await openEnable();
    typeInto(input('provider-api-key'), KEY);
    input('provider-consent-check').click();
    submit();

    await expect.poll(() => text('provider-state', openai())).toBe('On');
    expect(dialog()).toBeNull();
    expect(focusedTestId()).toBe('provider-enable');
    expect(text('provider-summary', openai())).toBe('Clips may be sent to api.openai.com when they are analysed.');
    expect(text('provider-key', openai())).toBe('Stored in the OS keychain');
    expect(text('provider-outcome', openai())).toBe('OpenAI is on: clips may be sent to api.openai.com.');
    expect(text('provider-consented', openai())).toBeTruthy();
    expect(await harness.keychain.get(providerKeyAccount(harness.core.library.libraryId, 'openai'))).toBe(KEY);
    expect(harness.registry.get('openai').id).toBe('openai');
    expect(document.body.innerHTML).not.toContain(KEY);

    // Change settings…: the key field is empty, and says a key is kept.
    byTestId('provider-enable', openai())!.click();
    await expect.poll(() => text('provider-consent-text')).toBeTruthy();
    expect(input('provider-api-key').value).toBe('');
    expect(input('provider-api-key').placeholder).toBe('A key is stored: leave empty to keep it');
    expect(document.body.innerHTML).not.toContain(KEY);
  });

  test('a changed base URL changes what would be sent and takes the agreement back; a bad one is refused in words', async () => {
    await openProviders();
    await openEnable();
    input('provider-consent-check').click();
    expect(input('provider-consent-check').checked).toBe(true);

    typeInto(input('provider-base-url'), 'http://127.0.0.1:8080/v1');
    await expect.poll(() => text('provider-consent-text')).toMatch(/^Turning on OpenAI lets ClipShot send data from this device to 127\.0\.0\.1:8080 when clips are analysed:/);
    expect(input('provider-consent-check').checked).toBe(false);

    typeInto(input('provider-base-url'), 'http://example.com/v1');
    await expect.poll(() => text('provider-settings-error')).toMatch(/^The base URL for OpenAI must use https:\/\/ for example\.com: over plain http the API key would cross the network/);
    expect(byTestId('provider-consent-text')).toBeNull();
    expect(input('provider-consent-check').disabled).toBe(true);
    expect(input('provider-base-url').getAttribute('aria-invalid')).toBe('true');
    typeInto(input('provider-api-key'), KEY);
    submit();
    await nextTick();
    await expect.poll(focusedTestId).toBe('provider-base-url');

    // Back to a local server: turned on, and requests would go there.
    typeInto(input('provider-base-url'), 'http://localhost:11434/v1');
    typeInto(input('provider-model'), 'llava');
    await expect.poll(() => text('provider-consent-text')).toContain('localhost:11434 (model llava)');
    input('provider-consent-check').click();
    submit();
    await expect.poll(() => text('provider-state', openai())).toBe('On');
    expect(text('provider-base-url-shown', openai())).toBe('http://localhost:11434/v1');
    expect(text('provider-model-shown', openai())).toBe('llava');
  });

  test('a key the core refuses is said in words and turns nothing on', async () => {
    await openProviders();
    await openEnable();
    typeInto(input('provider-api-key'), 'sk one two');
    input('provider-consent-check').click();
    submit();
    await expect.poll(() => text('provider-enable-failure')).toBe(
      'Could not turn on OpenAI: the API key for OpenAI contains spaces or characters an API key does not have (was more than the key pasted?)',
    );
    expect(dialog()!.open).toBe(true);
    expect((await harness.registry.view('openai')).enabled).toBe(false);
  });

  test('Turn off keeps the key; Forget key asks first (Esc keeps it), then deletes it', async () => {
    await openProviders();
    await openEnable();
    typeInto(input('provider-api-key'), KEY);
    input('provider-consent-check').click();
    submit();
    await expect.poll(() => text('provider-state', openai())).toBe('On');

    byTestId('provider-disable', openai())!.click();
    await expect.poll(() => text('provider-state', openai())).toBe('Off');
    expect(text('provider-key', openai())).toBe('Stored in the OS keychain');
    expect(text('provider-outcome', openai())).toBe('OpenAI is off: nothing is sent to api.openai.com. Its key and settings are kept.');
    expect(() => harness.registry.get('openai')).toThrow(/OpenAI is off/);

    byTestId('provider-forget', openai())!.click();
    await nextTick();
    expect(text('provider-forget-confirm', openai())).toContain('To use it again, paste the key again.');
    expect(focusedTestId()).toBe('provider-forget-cancel');
    press('Escape', { target: document.activeElement! });
    await nextTick();
    await nextTick();
    expect(byTestId('provider-forget-confirm', openai())).toBeNull();
    expect(focusedTestId()).toBe('provider-forget');
    expect(harness.keychain.size).toBe(1);

    byTestId('provider-forget', openai())!.click();
    await nextTick();
    byTestId('provider-forget-confirm-button', openai())!.click();
    await expect.poll(() => text('provider-key', openai())).toBe('None stored');
    expect(harness.keychain.size).toBe(0);
    expect(byTestId('provider-forget', openai())).toBeNull();
    expect(focusedTestId()).toBe('provider-enable');
  });

  test('by keyboard: Esc closes the consent step and gives the keyboard back; its controls are in reading order', async () => {
    await openProviders();
    await openEnable();
    const form = byTestId('provider-enable-form')!;
    const order = [...form.querySelectorAll<HTMLElement>('button, input, [tabindex]')].filter((element) => element.tabIndex >= 0).map((element) => element.dataset.testid);
    expect(order).toEqual(['provider-base-url', 'provider-model', 'provider-api-key', 'provider-consent-text', 'provider-consent-check', 'provider-enable-cancel', 'provider-enable-submit']);
    for (const testId of ['provider-base-url', 'provider-model', 'provider-api-key']) {
      expect(document.querySelector(`label[for="${input(testId).id}"]`)?.textContent?.trim(), testId).toBeTruthy();
    }
    expect(byTestId('provider-enable-submit')!.getAttribute('type')).toBe('submit');

    typeInto(input('provider-api-key'), KEY);
    press('Escape', { target: input('provider-api-key') });
    await expect.poll(dialog).toBeNull();
    expect(focusedTestId()).toBe('provider-enable');
    expect(byTestId<HTMLDialogElement>('settings-dialog')!.open).toBe(true);
    expect(harness.keychain.size).toBe(0);
  });

  test('another window’s change shows here too', async () => {
    await openProviders();
    const other = harness.core.openWindow();
    try {
      const { text: consent } = await other.api.providerConsentText({ id: 'anthropic' });
      await other.api.enableProvider({ id: 'anthropic', consent: true, consentText: consent, apiKey: KEY });
      await expect.poll(() => text('provider-state', providerCard('anthropic'))).toBe('On');
    } finally {
      other.close();
    }
  });
});
