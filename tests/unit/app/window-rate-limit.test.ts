// The app windows' API requests under the 'window-api' limit, through the real desktop core
// (library, API service, rate limits, audit log) and the reply the IPC handler sends back; only
// Electron's ipcMain is left out (registerApiHandlers hands each invoke to replyToApiCall).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiErrorData, ApiMethod } from '../../../contract/api.js';
import type { AuditPage } from '../../../contract/audit.js';
import { DEFAULT_RATE_LIMIT_SETTINGS } from '../../../contract/rate-limits.js';
import { replyToApiCall, type ApiReply } from '../../../main/app/api-ipc.js';
import { startDesktopCore, type DesktopCore } from '../../../main/app/desktop-core.js';
import { MemorySecretStore } from '../../../main/security/memory-secret-store.js';
import { tempDir } from '../../helpers/temp.js';

let core: DesktopCore | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(): Promise<DesktopCore> {
  core = await startDesktopCore(path.join(await tempDir(), 'library'), { stores: [new MemorySecretStore('keychain')] }, { sync: false, analysis: false, plugins: false });
  return core;
}

/** What a window's invoke resolves to (main/app/electron-ipc.ts: the sender's id is the window). */
function reply(started: DesktopCore, windowId: number, method: ApiMethod, params: unknown): Promise<ApiReply> {
  return replyToApiCall((id: number, name, args) => started.windows.dispatch(id, name, args), windowId, method, params);
}

function refusals(replies: ApiReply[]): ApiErrorData[] {
  return replies.flatMap((answer) => (answer.ok ? [] : [answer.error]));
}

describe('an app window over its API budget', () => {
  it('is answered "rate-limited" with the wait, audited once for the burst, spends no other window\'s budget, and is answered again after the refill', async () => {
    const started = await start();
    expect((await reply(started, 1, 'rateLimits', {})).ok).toBe(true);
    const changed = await reply(started, 1, 'changeRateLimits', { limits: { 'window-api': { burst: 3, rate: 5 } } });
    expect(changed).toMatchObject({ ok: true, value: { settings: { limits: { 'window-api': { burst: 3, rate: 5 } } } } });

    const burst = await Promise.all(Array.from({ length: 10 }, () => reply(started, 1, 'overview', {})));
    expect(burst.filter((answer) => answer.ok)).toHaveLength(3);
    const refused = refusals(burst);
    expect(refused).toHaveLength(7);
    for (const error of refused) {
      expect(error).toMatchObject({ code: 'rate-limited', retryAfterMs: expect.any(Number) as number, message: expect.stringMatching(/faster than it allows; try again in \d+ ms/) as string });
    }
    // Another window has a budget of its own.
    const other = await Promise.all([1, 2, 3].map(() => reply(started, 2, 'overview', {})));
    expect(other.every((answer) => answer.ok)).toBe(true);

    // After the wait it named, the window is answered again.
    const wait = Math.max(...refused.map((error) => error.retryAfterMs ?? Infinity));
    expect(wait).toBeLessThanOrEqual(200);
    await sleep(wait + 50);
    expect(await reply(started, 1, 'overview', {})).toMatchObject({ ok: true });

    // A reload (its page released) does not refill the window's bucket.
    await Promise.all([reply(started, 1, 'overview', {}), reply(started, 1, 'overview', {})]);
    started.windows.release(1);
    expect(await reply(started, 1, 'overview', {})).toMatchObject({ ok: false, error: { code: 'rate-limited' } });

    // One entry for the first window's trips (the later ones are folded into the next), none for the second.
    await sleep(250);
    const log = await reply(started, 3, 'auditLog', { kind: 'rate-limit' });
    expect(log.ok).toBe(true);
    const entries = (log as { value: AuditPage }).value.entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'rate-limit', actor: { type: 'device', id: 'window-1' }, details: { limit: 'window-api', key: 'window-1', action: 'refused', foldedSinceLast: 0 } });
  });

  it('lets an honest window through at the defaults: the same budget as a serve tab', async () => {
    const started = await start();
    expect(DEFAULT_RATE_LIMIT_SETTINGS.limits['window-api']).toEqual(DEFAULT_RATE_LIMIT_SETTINGS.limits['serve-api']);
    // A window opening asks a few hundred things at once.
    const opening = await Promise.all(Array.from({ length: 300 }, () => reply(started, 5, 'overview', {})));
    expect(refusals(opening)).toEqual([]);
  });
});
