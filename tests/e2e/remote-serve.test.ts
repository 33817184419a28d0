// `clipshot serve --host 0.0.0.0` as a LAN neighbour meets it: reached at this machine's own
// non-loopback address, by Node (as an attacker's script would) and by Chromium (as the person
// would). HTTPS only, the certificate serve printed, a login with the library's passphrase that
// slows down after wrong tries, Origin checks, and sessions that end and send the page back to login.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../contract/audit.js';
import { launchChromium } from '../helpers/browser.js';
import { runCli, TEST_PASSPHRASE } from '../helpers/cli.js';
import { closedWith, httpsRequest, logIn, openApiSocket, startRemoteServe, type RemoteServe } from '../helpers/remote-serve.js';
import { waitUntilReady } from './app-harness.js';

let work: string;
let libraryDir: string;
let browser: Browser;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-remote-'));
  libraryDir = path.join(work, 'library');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await fs.rm(work, { recursive: true, force: true });
});

function plainHttpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Types into the focused field and presses Enter, as a person would; the status of the login's answer once its page has loaded. */
async function typeAndSubmit(page: Page, text: string): Promise<number> {
  // autofocus applies at the page's next rendering, not at once when it has loaded.
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('passphrase');
  await page.keyboard.type(text);
  const answered = page.waitForResponse((response) => response.url().endsWith('/login') && response.request().method() === 'POST');
  await page.keyboard.press('Enter');
  const status = (await answered).status();
  await page.waitForLoadState('domcontentloaded');
  return status;
}

async function auditEntries(kind: string): Promise<AuditEntryView[]> {
  const result = await runCli(['--library', libraryDir, 'audit', '--json', '--kind', kind]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as AuditEntryView[];
}

describe('clipshot serve beyond this device', () => {
  let serve: RemoteServe;

  beforeAll(async () => {
    serve = await startRemoteServe(libraryDir);
  });

  afterAll(async () => {
    const result = await serve?.stop();
    expect(result?.code, result?.stderr).toBe(0);
  });

  it('answers only over HTTPS, with the certificate it printed, and keeps it across restarts', async () => {
    expect(serve.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new URL(serve.origin).hostname).not.toMatch(/^(127\.|localhost$)/);
    const page = await httpsRequest(`${serve.origin}/login`);
    expect(page.certificate).toBe(serve.fingerprint);
    expect(page.status).toBe(200);

    const plain = await plainHttpGet(`${serve.origin.replace(/^https/, 'http')}/`);
    expect(plain.status).toBe(400);
    expect(plain.body).toContain(`speaks only HTTPS. Open ${serve.origin}/`);
    expect(plain.body).not.toContain('<html');

    // The certificate belongs to the library: a second serve of it presents the same one.
    await serve.stop();
    serve = await startRemoteServe(libraryDir);
    expect((await httpsRequest(`${serve.origin}/login`)).certificate).toBe(page.certificate);
  });

  it('gives nothing of the library, and no socket, without a login', async () => {
    const app = await httpsRequest(`${serve.origin}/`);
    expect(app.status).toBe(303);
    expect(app.headers.location).toBe('/login');
    for (const url of ['/assets/', '/clips/0123456789abcdef/original', '/session']) expect((await httpsRequest(`${serve.origin}${url}`)).status).toBe(401);
    const upload = await httpsRequest(`${serve.origin}/upload?name=a.png`, { method: 'POST', headers: { Origin: serve.origin }, body: 'x' });
    expect(upload.status).toBe(401);
    await expect(openApiSocket(serve.origin, { Origin: serve.origin })).rejects.toThrow('refused: 401');
    // The loopback server's URL token means nothing here.
    expect((await httpsRequest(`${serve.origin}/?token=${'a'.repeat(43)}`)).status).toBe(303);
  });

  it('logs the browser in with the passphrase after checking the certificate, refusing wrong tries with a growing wait', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      // What Chromium was shown, read through the DevTools protocol: the certificate serve printed.
      const devtools = await context.newCDPSession(page);
      await devtools.send('Network.enable');
      await page.goto(`${serve.origin}/`);
      expect(page.url()).toBe(`${serve.origin}/login`);
      const { tableNames } = await devtools.send('Network.getCertificate', { origin: serve.origin });
      const shown = createHash('sha256').update(Buffer.from(tableNames[0]!, 'base64')).digest('hex').toUpperCase().match(/../g)!.join(':');
      expect(shown).toBe(serve.fingerprint);

      const alert = page.getByRole('alert');
      // The field has the focus on every visit: the person types and presses Enter, nothing else.
      for (let attempt = 1; attempt <= 3; attempt++) {
        expect(await typeAndSubmit(page, `wrong guess ${attempt}`)).toBe(401);
        expect(await alert.textContent()).toBe("That passphrase is not this library's. Try again.");
      }
      expect(await typeAndSubmit(page, 'wrong guess 4')).toBe(401);
      expect(await alert.textContent()).toBe("That passphrase is not this library's. Wait 1 s before the next try.");
      // Within the wait even the right passphrase is not checked.
      const early = await logIn(serve.origin, TEST_PASSPHRASE);
      expect(early.answer.status).toBe(429);
      expect(early.answer.headers['retry-after']).toBe('1');
      expect(early.answer.body).toContain('Too many wrong tries: wait 1 s, then try again.');
      expect(early.cookie).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 1_100));

      expect(await typeAndSubmit(page, TEST_PASSPHRASE)).toBe(303);
      await waitUntilReady(page);
      expect(page.url()).toBe(`${serve.origin}/`);
      const cookies = await context.cookies(serve.origin);
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({ name: '__Host-clipshot_login', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(await page.evaluate(() => document.cookie)).toBe('');

      const failed = await auditEntries('serve-login-failed');
      expect(failed.map((entry) => entry.details.reason)).toEqual(['wrong-passphrase', 'wrong-passphrase', 'wrong-passphrase', 'wrong-passphrase']);
      const logins = await auditEntries('serve-login');
      expect(logins).toHaveLength(1);
      expect(JSON.stringify(logins)).not.toContain(TEST_PASSPHRASE);
    } finally {
      await context.close();
    }
  });

  it('refuses a foreign Origin on the WebSocket and on changes, even with a valid session', async () => {
    const { cookie } = await logIn(serve.origin, TEST_PASSPHRASE);
    expect(cookie).toMatch(/^__Host-clipshot_login=[A-Za-z0-9_-]{43}$/);
    const withCookie = { Cookie: cookie! };
    await expect(openApiSocket(serve.origin, { ...withCookie, Origin: 'https://evil.example' })).rejects.toThrow('refused: 403');
    await expect(openApiSocket(serve.origin, { ...withCookie, Origin: serve.origin.replace(/^https/, 'http') })).rejects.toThrow('refused: 403');
    await expect(openApiSocket(serve.origin, withCookie)).rejects.toThrow('refused: 403');
    const upload = await httpsRequest(`${serve.origin}/upload?name=a.png`, { method: 'POST', headers: { ...withCookie, Origin: 'https://evil.example' }, body: 'x' });
    expect(upload.status).toBe(403);
    const forgedLogout = await httpsRequest(`${serve.origin}/logout`, { method: 'POST', headers: { ...withCookie, Origin: 'https://evil.example' } });
    expect(forgedLogout.status).toBe(403);
    const socket = await openApiSocket(serve.origin, { ...withCookie, Origin: serve.origin });
    socket.close();
  });

  it('ends a session on logout: its socket closes with the reason and the page goes back to login', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(`${serve.origin}/login`);
      await page.getByLabel('Library passphrase').fill(TEST_PASSPHRASE);
      await page.keyboard.press('Enter');
      await waitUntilReady(page);
      const [cookie] = await context.cookies(serve.origin);
      const socket = await openApiSocket(serve.origin, { Cookie: `${cookie!.name}=${cookie!.value}`, Origin: serve.origin });
      const closed = closedWith(socket);
      // The app's Log out button, reached with the keyboard like any other.
      await page.getByTestId('logout-button').focus();
      await page.keyboard.press('Enter');
      expect(await closed).toEqual({ code: 4401, reason: 'session ended: logged-out' });
      await page.waitForURL(`${serve.origin}/login?ended=logged-out`);
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('You logged out.');
      expect((await httpsRequest(`${serve.origin}/session`, { headers: { Cookie: `${cookie!.name}=${cookie!.value}` } })).status).toBe(401);
      const ended = await auditEntries('serve-session-end');
      expect(ended.at(-1)?.details.reason).toBe('logged-out');
    } finally {
      await context.close();
    }
  });
});

describe('expiring sessions', () => {
  it('closes an idle session and a session past its lifetime, and the page goes back to login', async () => {
    const serve = await startRemoteServe(libraryDir, ['--session-idle', '3s', '--session-max', '12s']);
    try {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      const page = await context.newPage();
      const idle = await logIn(serve.origin, TEST_PASSPHRASE);
      const busy = await logIn(serve.origin, TEST_PASSPHRASE);
      const idleSocket = await openApiSocket(serve.origin, { Cookie: idle.cookie!, Origin: serve.origin });
      const busySocket = await openApiSocket(serve.origin, { Cookie: busy.cookie!, Origin: serve.origin });
      const idleClosed = closedWith(idleSocket);
      const busyClosed = closedWith(busySocket);
      // The busy one asks something twice a second: it never idles, but its lifetime still ends.
      let id = 0;
      const asking = setInterval(() => busySocket.send(JSON.stringify({ id: ++id, method: 'overview', params: {} })), 500);
      try {
        await page.goto(`${serve.origin}/login`);
        await page.getByLabel('Library passphrase').fill(TEST_PASSPHRASE);
        await page.keyboard.press('Enter');
        await waitUntilReady(page);
        expect(await idleClosed).toEqual({ code: 4401, reason: 'session ended: idle' });
        expect((await httpsRequest(`${serve.origin}/session`, { headers: { Cookie: idle.cookie! } })).status).toBe(401);
        expect(await busyClosed).toEqual({ code: 4401, reason: 'session ended: lifetime' });
      } finally {
        clearInterval(asking);
      }
      // The browser's session ends as well once the app sits unused (it asks nothing by itself); its page shows the login again and why.
      await page.waitForURL(`${serve.origin}/login?ended=idle`, { timeout: 15_000 });
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('Your session ended after a while without use. Log in again.');
      await context.close();
    } finally {
      const result = await serve.stop();
      expect(result.code, result.stderr).toBe(0);
    }
    const reasons = (await auditEntries('serve-session-end')).map((entry) => entry.details.reason);
    expect(reasons).toEqual(expect.arrayContaining(['idle', 'lifetime']));
  });
});
