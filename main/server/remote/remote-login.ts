import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditRecorder } from '../../security/audit/audit-log.js';
import { LOGIN_PAGE_HEADERS, LOGIN_STYLESHEET, LOGIN_STYLESHEET_PATH, loginPage, type LoginNotice } from './login-page.js';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
import { LoginSessions, type LoginSession, type SessionEndReason, type SessionLimits } from './login-sessions.js';

/** `__Host-`: the browser keeps it only if Secure, for this host alone, for every path. */
export const LOGIN_COOKIE = '__Host-clipshot_login';
/** The WebSocket close code of a session that ended (expired or logged out): the page goes back to login. */
export const SESSION_ENDED_CLOSE_CODE = 4401;

const MAX_LOGIN_BODY_BYTES = 4096;
/** Logins waiting for the one running passphrase check; more are refused (each check costs ~128 MiB and most of a second). */
const MAX_WAITING_LOGINS = 8;
const AUDIT_ACTOR = { type: 'device', id: 'serve' } as const;

export interface RemoteLoginOptions {
  /** True when this is the library's passphrase (checked against its key slot). */
  verifyPassphrase(passphrase: string): Promise<boolean>;
  limits: SessionLimits;
  throttle?: LoginThrottleOptions;
  audit?: AuditRecorder | null;
  /** A session ended: close what it holds open. */
  onSessionEnded?(session: LoginSession, reason: SessionEndReason): void;
}

/** Login, logout and session lookup for `serve` beyond this device. */
export class RemoteLogin {
  readonly sessions: LoginSessions;
  readonly #throttle: LoginThrottle;
  #checks: Promise<unknown> = Promise.resolve();
  #waiting = 0;

  constructor(private readonly options: RemoteLoginOptions) {
    this.#throttle = new LoginThrottle(options.throttle ?? DEFAULT_LOGIN_THROTTLE);
    this.sessions = new LoginSessions(options.limits, (session, reason) => {
      if (reason !== 'server-stopped') this.#record('serve-session-end', { session: session.id, reason });
      options.onSessionEnded?.(session, reason);
    });
  }

  /** The live session of a request (its cookie), or null. */
  sessionOf(request: IncomingMessage): LoginSession | null {
    return this.sessions.find(cookieToken(request.headers.cookie));
  }

  /**
   * Answers the login routes (the page, its stylesheet, POST /login, POST /logout, GET /session);
   * false for any other path. `sameOrigin` tells whether a state-changing request came from our own page.
   */
  async handle(request: IncomingMessage, response: ServerResponse, pathname: string, sameOrigin: boolean): Promise<boolean> {
    const method = request.method ?? 'GET';
    if (pathname === LOGIN_STYLESHEET_PATH && (method === 'GET' || method === 'HEAD')) {
      send(response, 200, 'text/css; charset=utf-8', LOGIN_STYLESHEET, { 'Cache-Control': 'no-cache' });
      return true;
    }
    if (pathname === '/session' && method === 'GET') {
      const session = this.sessionOf(request);
      send(response, session ? 200 : 401, 'application/json', JSON.stringify(session ? { loggedIn: true } : { loggedIn: false, login: '/login' }));
      return true;
    }
    if (pathname === '/login' && (method === 'GET' || method === 'HEAD')) {
      const ended = new URL(request.url ?? '/', 'https://host.invalid').searchParams.get('ended');
      const notice: LoginNotice = ended === 'idle' || ended === 'lifetime' || ended === 'logged-out' ? ended : 'none';
      send(response, 200, 'text/html; charset=utf-8', loginPage(notice));
      return true;
    }
    if ((pathname === '/login' || pathname === '/logout') && method === 'POST' && !sameOrigin) {
      send(response, 403, 'text/plain; charset=utf-8', 'Refused: this request did not come from this server\'s own page.\n');
      return true;
    }
    if (pathname === '/login' && method === 'POST') {
      await this.#login(request, response);
      return true;
    }
    if (pathname === '/logout' && method === 'POST') {
      const token = cookieToken(request.headers.cookie);
      if (token) this.sessions.end(token, 'logged-out');
      response.writeHead(303, { ...LOGIN_PAGE_HEADERS, Location: '/login?ended=logged-out', 'Set-Cookie': `${LOGIN_COOKIE}=; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`, 'Cache-Control': 'no-store' });
      response.end();
      return true;
    }
    if (pathname === '/login' || pathname === '/logout' || pathname === '/session') {
      send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed.\n');
      return true;
    }
    return false;
  }

  close(): void {
    this.sessions.endAll('server-stopped');
  }

  async #login(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, MAX_LOGIN_BODY_BYTES);
    if (body === null) return send(response, 413, 'text/plain; charset=utf-8', 'That login form is too large.\n');
    const passphrase = new URLSearchParams(body).get('passphrase') ?? '';
    if (this.#waiting >= MAX_WAITING_LOGINS) return sendLogin(response, 429, 'busy');
    this.#waiting++;
    // One passphrase check at a time: each is a scrypt run, and the throttle must see every result before the next.
    const turn = this.#checks.then(() => this.#check(passphrase, request.socket.remoteAddress ?? 'unknown'));
    this.#checks = turn.catch(() => undefined);
    let outcome;
    try {
      outcome = await turn;
    } finally {
      this.#waiting--;
    }
    if (outcome.kind === 'wait') return sendLogin(response, 429, 'wait', outcome.waitMs);
    if (outcome.kind === 'wrong') return sendLogin(response, 401, 'wrong', outcome.waitMs);
    response.writeHead(303, { ...LOGIN_PAGE_HEADERS, Location: '/', 'Set-Cookie': `${LOGIN_COOKIE}=${outcome.token}; Secure; HttpOnly; SameSite=Strict; Path=/`, 'Cache-Control': 'no-store' });
    response.end();
  }

  async #check(passphrase: string, from: string): Promise<CheckOutcome> {
    const waitMs = this.#throttle.waitMs();
    if (waitMs > 0) return { kind: 'wait', waitMs };
    if (passphrase === '' || !(await this.options.verifyPassphrase(passphrase))) {
      const next = this.#throttle.failed();
      this.#record('serve-login-failed', { from, reason: passphrase === '' ? 'empty' : 'wrong-passphrase' });
      return { kind: 'wrong', waitMs: next };
    }
    this.#throttle.succeeded();
    const { token, session } = this.sessions.create();
    this.#record('serve-login', { from, session: session.id });
    return { kind: 'ok', token };
  }

  #record(kind: 'serve-login' | 'serve-login-failed' | 'serve-session-end', details: Record<string, string>): void {
    try {
      this.options.audit?.record({ kind, actor: AUDIT_ACTOR, details });
    } catch {
      // A full or closed database must not turn a login into a server error; the login itself stands.
    }
  }
}

type CheckOutcome = { kind: 'wait'; waitMs: number } | { kind: 'wrong'; waitMs: number } | { kind: 'ok'; token: string };

export function cookieToken(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === LOGIN_COOKIE) return value.join('=') || null;
  }
  return null;
}

function sendLogin(response: ServerResponse, status: number, notice: LoginNotice, waitMs = 0): void {
  const waitSeconds = Math.ceil(waitMs / 1000);
  send(response, status, 'text/html; charset=utf-8', loginPage(notice, waitSeconds), waitSeconds > 0 ? { 'Retry-After': String(waitSeconds) } : {});
}

function send(response: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...LOGIN_PAGE_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  response.end(body);
}

/** The request's body as text, or null past `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
