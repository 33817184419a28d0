import { afterEach, describe, expect, it } from 'vitest';
import { API_METHODS, ApiError } from '../../../contract/api.js';
import { createApiService, type ApiService } from '../../../main/api/api-service.js';
import { apiChannel, registerApiHandlers, replyToApiCall, type ApiReply } from '../../../main/app/api-ipc.js';
import { isTrustedSender, UntrustedSenderError, ValidatedIpcMain, type IpcMainLike, type SenderFrame } from '../../../main/app/validated-ipc.js';
import type { Library } from '../../../main/library/library.js';
import { createTestLibrary } from '../../helpers/library.js';

const APP_FRAME: SenderFrame = { url: 'clipshot://app/index.html', origin: 'clipshot://app', parent: null };

interface FakeEvent {
  senderFrame: SenderFrame | null;
  sender: { id: number };
}

/** Stands in for Electron's ipcMain, which needs the Electron binary: invoke() calls a handler as a renderer's invoke would. */
class FakeIpcMain implements IpcMainLike<FakeEvent> {
  readonly handlers = new Map<string, (event: FakeEvent, ...args: unknown[]) => unknown>();

  handle(channel: string, listener: (event: FakeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(channel: string, frame: SenderFrame | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // IPC copies results with the structured clone algorithm.
    return structuredClone(await handler({ senderFrame: frame, sender: { id: 1 } }, ...structuredClone(args)));
  }
}

describe('isTrustedSender', () => {
  it('trusts the app page in a main frame', () => {
    expect(isTrustedSender(APP_FRAME)).toBe(true);
    expect(isTrustedSender({ ...APP_FRAME, url: 'clipshot://app/' })).toBe(true);
  });

  it.each<[string, SenderFrame | null]>([
    ['a frame that is gone', null],
    ['a subframe of the app', { ...APP_FRAME, parent: APP_FRAME }],
    ['another origin', { url: 'https://evil.example/', origin: 'https://evil.example', parent: null }],
    ['a file: page', { url: 'file:///tmp/x.html', origin: 'file://', parent: null }],
    ['an opaque origin', { url: 'clipshot://app/index.html', origin: 'null', parent: null }],
    ['about:blank with the app origin inherited', { url: 'about:blank', origin: 'clipshot://app', parent: null }],
    ['a host that only starts like the app', { url: 'clipshot://app.evil/index.html', origin: 'clipshot://app.evil', parent: null }],
    ['the app URL claimed by another origin', { url: 'clipshot://app/index.html', origin: 'https://evil.example', parent: null }],
  ])('refuses %s', (_what, frame) => {
    expect(isTrustedSender(frame)).toBe(false);
  });
});

describe('ValidatedIpcMain', () => {
  it('accepts only channels with the clipshot: prefix, once each', () => {
    const ipc = new ValidatedIpcMain(new FakeIpcMain());
    expect(() => ipc.handle('listClips', () => null)).toThrow(/lacks the clipshot: prefix/);
    ipc.handle('clipshot:x', () => null);
    expect(() => ipc.handle('clipshot:x', () => null)).toThrow(/already has a handler/);
  });

  it('runs the handler for the app page and refuses every other sender before it runs', async () => {
    const fake = new FakeIpcMain();
    const refused: UntrustedSenderError[] = [];
    const ipc = new ValidatedIpcMain(fake, (error) => refused.push(error));
    const calls: unknown[] = [];
    ipc.handle('clipshot:echo', (_event, value) => {
      calls.push(value);
      return value;
    });
    await expect(fake.invoke('clipshot:echo', APP_FRAME, 'hi')).resolves.toBe('hi');
    await expect(fake.invoke('clipshot:echo', { ...APP_FRAME, parent: APP_FRAME }, 'sub')).rejects.toThrow(UntrustedSenderError);
    await expect(fake.invoke('clipshot:echo', null, 'gone')).rejects.toThrow(/a frame that is gone/);
    expect(calls).toEqual(['hi']);
    expect(refused.map((error) => error.message)).toEqual(['refused clipshot:echo from subframe "clipshot://app/index.html"', 'refused clipshot:echo from a frame that is gone']);
  });

  it('removes every handler it added', () => {
    const fake = new FakeIpcMain();
    const ipc = new ValidatedIpcMain(fake);
    ipc.handle('clipshot:a', () => null);
    ipc.handle('clipshot:b', () => null);
    ipc.removeAll();
    expect(fake.handlers.size).toBe(0);
  });
});

describe('the API over IPC', () => {
  let library: Library | null = null;
  let service: ApiService | null = null;
  afterEach(async () => {
    await service?.close();
    await library?.close();
    service = null;
    library = null;
  });

  async function registered(): Promise<FakeIpcMain> {
    library = (await createTestLibrary()).library;
    service = createApiService(library, { allowPaths: true });
    const fake = new FakeIpcMain();
    const api = service;
    registerApiHandlers(new ValidatedIpcMain(fake), (_event, method, params) => api.dispatch(method, params));
    return fake;
  }

  it('has one clipshot:<method> channel per API method, and no other', async () => {
    const fake = await registered();
    expect([...fake.handlers.keys()].sort()).toEqual(API_METHODS.map((method) => `clipshot:${method}`).sort());
  });

  it('answers a valid request with its result', async () => {
    const fake = await registered();
    const reply = (await fake.invoke(apiChannel('overview'), APP_FRAME, {})) as ApiReply;
    expect(reply).toMatchObject({ ok: true, value: { libraryId: library!.libraryId, total: 0 } });
  });

  it('answers a bad request with the core\'s typed error, as data', async () => {
    const fake = await registered();
    expect(await fake.invoke(apiChannel('getClip'), APP_FRAME, { id: '../../etc/passwd' })).toEqual({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/^getClip: id: not a clip id/) } });
    expect(await fake.invoke(apiChannel('listClips'), APP_FRAME, { limit: 5, extra: true })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(await fake.invoke(apiChannel('getClip'), APP_FRAME, { id: '0123456789abcdefghijklmnop' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses an untrusted frame before the core sees the request', async () => {
    const fake = await registered();
    await expect(fake.invoke(apiChannel('overview'), { url: 'https://evil.example/', origin: 'https://evil.example', parent: null }, {})).rejects.toThrow(UntrustedSenderError);
  });

  it('turns an unexpected failure into an internal error and reports it', async () => {
    const failures: unknown[] = [];
    const reply = await replyToApiCall(async () => { throw new TypeError('boom'); }, null, 'overview', {}, (error) => failures.push(error));
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'ClipShot failed: boom' } });
    expect(failures).toHaveLength(1);
    const typed = await replyToApiCall(async () => { throw new ApiError('unsupported', 'no'); }, null, 'overview', {}, (error) => failures.push(error));
    expect(typed).toEqual({ ok: false, error: { code: 'unsupported', message: 'no' } });
    expect(failures).toHaveLength(1);
  });
});
