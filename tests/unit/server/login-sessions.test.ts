import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoginSessions, type SessionEndReason } from '../../../main/server/remote/login-sessions.js';

describe('LoginSessions', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function sessions() {
    const ended: Array<[string, SessionEndReason]> = [];
    const table = new LoginSessions({ idleMs: 10_000, maxMs: 60_000 }, (session, reason) => ended.push([session.id, reason]), () => Date.now());
    return { table, ended };
  }

  it('opens a session only with its own secret', () => {
    const { table } = sessions();
    const { token, session } = table.create();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(table.find(token)).toBe(session);
    expect(table.find(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(table.find(null)).toBeNull();
    expect(table.find(session.id)).toBeNull();
  });

  it('ends an idle session by its timer, and use keeps one alive until its lifetime', () => {
    const { table, ended } = sessions();
    const idle = table.create();
    const busy = table.create();
    for (let second = 1; second <= 59; second++) {
      vi.advanceTimersByTime(1_000);
      table.touch(busy.session);
    }
    expect(ended).toEqual([[idle.session.id, 'idle']]);
    expect(table.find(idle.token)).toBeNull();
    expect(table.find(busy.token)).toBe(busy.session);
    vi.advanceTimersByTime(1_100);
    expect(ended).toEqual([[idle.session.id, 'idle'], [busy.session.id, 'lifetime']]);
    expect(table.find(busy.token)).toBeNull();
    expect(table.size).toBe(0);
  });

  it('ends a session on logout once, and all of them when the server stops', () => {
    const { table, ended } = sessions();
    const first = table.create();
    const second = table.create();
    expect(table.end(first.token, 'logged-out')).toBe(first.session);
    expect(table.end(first.token, 'logged-out')).toBeNull();
    table.endAll('server-stopped');
    vi.advanceTimersByTime(120_000);
    expect(ended).toEqual([[first.session.id, 'logged-out'], [second.session.id, 'server-stopped']]);
  });
});
