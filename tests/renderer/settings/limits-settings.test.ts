// Settings → Limits against a real core (tests/helpers/direct-api.ts): every limit with its scope,
// burst and rate; a value out of range is named at its field and nothing is saved; a good change
// reaches the core's live limiter (and its file); Restore defaults puts them back. Keyboard only.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_RATE_LIMIT_SETTINGS, RATE_LIMIT_DEFINITIONS, RATE_LIMIT_NAMES } from '../../../contract/rate-limits.js';
import { rateLimitsOf } from '../../../main/security/rate-limit/rate-limit-policy.js';
import { RATE_LIMITS_FILE } from '../../../main/security/rate-limit/rate-limit-settings.js';
import App from '../../../renderer/src/App.vue';
import { createTestCore, type TestCore } from '../../helpers/direct-api.js';
import { openAppOnCore, press } from '../library/mount-library.js';
import { allByTestId, byTestId, focusedTestId, openSettingsAt, tabOrder, text, typeInto } from '../models/ai-settings-harness.js';

let opened: { close(): Promise<void> } | null = null;

afterEach(async () => {
  await opened?.close();
  opened = null;
});

async function openLimits(): Promise<TestCore> {
  const core = await createTestCore();
  opened = await openAppOnCore(App, core);
  await openSettingsAt('limits', 'limits-form');
  return core;
}

const row = (name: string) => byTestId(`limit-${name}`)!;
const burstOf = (name: string) => byTestId<HTMLInputElement>('limit-burst', row(name))!;
const rateOf = (name: string) => byTestId<HTMLInputElement>('limit-rate', row(name))!;

describe('Settings → Limits', () => {
  test('shows every limit with its scope and current values, each field labelled', async () => {
    await openLimits();
    expect(allByTestId('limit-burst')).toHaveLength(RATE_LIMIT_NAMES.length);
    expect(row('sync-bytes').textContent).toContain('per paired device');
    expect(row('window-api').textContent).toContain('per app window');
    expect(row('serve-sync-messages').textContent).toContain('per browser tab (sync WebSocket)');
    for (const name of RATE_LIMIT_NAMES) expect(row(name).textContent).toContain(RATE_LIMIT_DEFINITIONS[name].scope);
    expect(burstOf('window-api').value).toBe('600');
    expect(rateOf('serve-sync-bytes').getAttribute('aria-label')).toBe('serve: document sync data: rate (MiB a second)');
    expect(burstOf('serve-api').value).toBe(String(DEFAULT_RATE_LIMIT_SETTINGS.limits['serve-api'].burst));
    expect(rateOf('pairing-address').getAttribute('aria-label')).toBe('Pairing attempts from one address: rate (attempts a minute)');
    expect(byTestId<HTMLInputElement>('limit-disconnect')!.value).toBe('60');
  });

  test('a value out of range is named at its field, Save waits, and the core keeps its limits', async () => {
    const testCore = await openLimits();
    typeInto(burstOf('control'), '0');
    await expect.poll(() => text('limit-error', row('control'))).toBe('the burst must be a whole number from 1 to 10000');
    expect(burstOf('control').getAttribute('aria-invalid')).toBe('true');
    expect(burstOf('control').getAttribute('aria-describedby')).toBe('limit-error-control');
    expect(byTestId<HTMLButtonElement>('limits-save')!.disabled).toBe(true);
    typeInto(rateOf('control'), '2.5');
    typeInto(burstOf('control'), '4');
    await expect.poll(() => text('limit-error', row('control'))).toBe('the rate must be a whole number from 1 to 10000');
    typeInto(byTestId<HTMLInputElement>('limit-disconnect')!, '0');
    await expect.poll(() => allByTestId('limit-error').length).toBe(2);
    byTestId('limits-form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(rateLimitsOf(testCore.library).settings).toEqual(DEFAULT_RATE_LIMIT_SETTINGS);
  });

  test('Save (Enter in a field) changes the live limits and the file; Restore defaults puts them back', async () => {
    const testCore = await openLimits();
    burstOf('control').focus();
    typeInto(burstOf('control'), '3');
    typeInto(rateOf('control'), '2');
    typeInto(byTestId<HTMLInputElement>('limit-disconnect')!, '30');
    // What Enter in a field does: the form is submitted.
    byTestId('limits-form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await expect.poll(() => text('limits-outcome')).toBe('The limits are saved and apply now.');
    expect(byTestId('limits-outcome')!.getAttribute('role')).toBe('status');
    const policy = rateLimitsOf(testCore.library);
    expect(policy.settings.limits.control).toEqual({ burst: 3, rate: 2 });
    expect(policy.settings.syncDisconnectAfterSeconds).toBe(30);
    const limiter = policy.limiter('control');
    expect([1, 2, 3, 4].map(() => limiter.admit('local-user').ok)).toEqual([true, true, true, false]);
    const file = JSON.parse(await fs.readFile(path.join(testCore.dir, RATE_LIMITS_FILE), 'utf8')) as typeof DEFAULT_RATE_LIMIT_SETTINGS;
    expect(file.limits.control).toEqual({ burst: 3, rate: 2 });

    byTestId('limits-defaults')!.focus();
    byTestId('limits-defaults')!.click();
    await expect.poll(() => text('limits-outcome')).toBe('Every limit is back to its default.');
    expect(policy.settings).toEqual(DEFAULT_RATE_LIMIT_SETTINGS);
    expect(burstOf('control').value).toBe(String(DEFAULT_RATE_LIMIT_SETTINGS.limits.control.burst));
  });

  test('Tab goes through every field and then the buttons; the tab is reached with the arrow keys from Audit', async () => {
    await openLimits();
    const order = tabOrder(byTestId('limits-panel')!);
    expect(order.slice(0, RATE_LIMIT_NAMES.length * 2)).toEqual(RATE_LIMIT_NAMES.flatMap(() => ['limit-burst', 'limit-rate']));
    expect(order.slice(-3)).toEqual(['limit-disconnect', 'limits-save', 'limits-defaults']);
    byTestId('settings-tab-limits')!.focus();
    press('ArrowLeft');
    await expect.poll(() => focusedTestId()).toBe('settings-tab-audit');
    press('ArrowRight');
    await expect.poll(() => focusedTestId()).toBe('settings-tab-limits');
    await expect.poll(() => byTestId('limits-form')).not.toBeNull();
  });
});
