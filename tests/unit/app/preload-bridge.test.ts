import fs from 'node:fs/promises';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import { beforeEach, describe, expect, it } from 'vitest';
import { API_METHODS, ApiError, type ApiEvent } from '../../../contract/api.js';
import { API_EVENT_CHANNEL, apiChannel, DOCUMENT_PORT_CHANNEL, DOCUMENT_PORT_REQUEST_CHANNEL } from '../../../main/app/api-ipc.js';
import { routeAppRequest } from '../../../main/app/app-protocol.js';
import { appMediaUrl } from '../../../main/app/app-url.js';
import { REPO_ROOT } from '../../helpers/cli.js';

type Listener = (event: { ports: unknown[] }, ...args: unknown[]) => void;

/**
 * The preload as Electron runs it in a sandboxed renderer: compiled to CommonJS, called as a
 * function of (require, process, exports, module) whose require knows only 'electron'. Electron
 * itself (contextBridge, ipcRenderer, webUtils) is a recording stand-in: its binary cannot run here.
 */
class SandboxedPreload {
  readonly required: string[] = [];
  readonly exposed = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
  readonly invoked: { channel: string; args: unknown[] }[] = [];
  readonly posted: { message: unknown; targetOrigin: string; transfer: unknown[] }[] = [];
  readonly microtaskErrors: unknown[] = [];
  readonly #listeners = new Map<string, Listener[]>();
  readonly #loadListeners: (() => void)[] = [];
  readyState = 'complete';
  answer: (channel: string, args: unknown[]) => Promise<unknown> = async () => ({ ok: true, value: null });

  run(code: string): void {
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) => this.exposed.set(key, api) },
      ipcRenderer: {
        invoke: (channel: string, ...args: unknown[]) => {
          this.invoked.push({ channel, args });
          return this.answer(channel, args);
        },
        on: (channel: string, listener: Listener) => this.#listeners.set(channel, [...(this.#listeners.get(channel) ?? []), listener]),
      },
      webUtils: { getPathForFile: (file: { name: string }) => `/home/someone/Pictures/${file.name}` },
    };
    const require = (name: string) => {
      this.required.push(name);
      if (name === 'electron') return electron;
      throw new Error(`module not found: ${name}`);
    };
    const window = {
      postMessage: (message: unknown, targetOrigin: string, transfer: unknown[]) => this.posted.push({ message, targetOrigin, transfer }),
      addEventListener: (type: string, listener: () => void) => type === 'load' && this.#loadListeners.push(listener),
    };
    const readyState = () => this.readyState;
    const document = { get readyState() { return readyState(); } };
    const exports = {};
    const fn = vm.compileFunction(code, ['require', 'process', 'exports', 'module', 'window', 'document', 'queueMicrotask'], { filename: 'preload/index.cjs' });
    fn(require, {}, exports, { exports }, window, document, (task: () => void) => {
      try {
        task();
      } catch (error) {
        this.microtaskErrors.push(error);
      }
    });
  }

  emit(channel: string, event: { ports: unknown[] }, ...args: unknown[]): void {
    for (const listener of this.#listeners.get(channel) ?? []) listener(event, ...args);
  }

  load(): void {
    this.readyState = 'complete';
    for (const listener of this.#loadListeners.splice(0)) listener();
  }

  get api() {
    const api = this.exposed.get('clipshot');
    if (!api) throw new Error('the preload exposed no window.clipshot');
    return api;
  }
}

let compiled = '';
async function preload(readyState = 'complete'): Promise<SandboxedPreload> {
  if (!compiled) {
    const file = path.join(REPO_ROOT, 'preload', 'index.cts');
    compiled = ts.transpileModule(await fs.readFile(file, 'utf8'), { fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true } }).outputText;
  }
  const sandbox = new SandboxedPreload();
  sandbox.readyState = readyState;
  sandbox.run(compiled);
  return sandbox;
}

let sandbox: SandboxedPreload;
beforeEach(async () => {
  sandbox = await preload();
});

describe('the preload in a sandboxed renderer', () => {
  it('requires nothing but electron', () => {
    expect(sandbox.required).toEqual(['electron']);
  });

  it('exposes exactly the API, one function per method, as window.clipshot', () => {
    expect([...sandbox.exposed.keys()]).toEqual(['clipshot']);
    expect(Object.keys(sandbox.api).sort()).toEqual([...API_METHODS, 'onEvent', 'pathForFile', 'requestDocumentPort'].sort());
    for (const value of Object.values(sandbox.api)) expect(typeof value).toBe('function');
  });

  it('sends each method on its clipshot:<method> channel, params untouched, and resolves with the value', async () => {
    sandbox.answer = async (channel) => ({ ok: true, value: { channel } });
    for (const method of API_METHODS) {
      await expect(sandbox.api[method]!({ probe: method })).resolves.toEqual({ channel: apiChannel(method) });
    }
    expect(sandbox.invoked).toEqual(API_METHODS.map((method) => ({ channel: `clipshot:${method}`, args: [{ probe: method }] })));
  });

  it('rejects with the core\'s error code and message, which ApiError.from turns back into an ApiError', async () => {
    sandbox.answer = async () => ({ ok: false, error: { code: 'not-found', message: 'no clip abc' } });
    const reason = await (sandbox.api.getClip!({ id: 'abc' }) as Promise<unknown>).catch((error: unknown) => error);
    expect(reason).toEqual({ name: 'ApiError', code: 'not-found', message: 'no clip abc' });
    const revived = ApiError.from(reason);
    expect([revived instanceof ApiError, revived.code, revived.message]).toEqual([true, 'not-found', 'no clip abc']);
  });

  it('rejects with an internal error when main refuses the call or answers nonsense', async () => {
    sandbox.answer = async () => {
      throw new Error("Error invoking remote method 'clipshot:overview': UntrustedSenderError: refused");
    };
    await expect(sandbox.api.overview!({})).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('refused') });
    sandbox.answer = async () => 'not a reply';
    await expect(sandbox.api.overview!({})).rejects.toEqual({ name: 'ApiError', code: 'internal', message: 'ClipShot sent a malformed answer to overview' });
  });

  it('passes events to every listener until it unsubscribes, even when one throws', () => {
    const seen: ApiEvent[] = [];
    const stop = sandbox.api.onEvent!((event: unknown) => seen.push(event as ApiEvent)) as () => void;
    sandbox.api.onEvent!(() => {
      throw new Error('listener bug');
    });
    const event: ApiEvent = { type: 'library-changed', clipIds: null };
    sandbox.emit(API_EVENT_CHANNEL, { ports: [] }, event);
    stop();
    sandbox.emit(API_EVENT_CHANNEL, { ports: [] }, event);
    expect(seen).toEqual([event]);
    expect(sandbox.microtaskErrors.map((error) => (error as Error).message)).toEqual(['listener bug', 'listener bug']);
    expect(() => sandbox.api.onEvent!('not a function')).toThrow(TypeError);
  });

  it('leaves media URLs to the page: the ones it builds (contract/media.ts) route to the clip', () => {
    const id = '0123456789abcdefghijklmnop';
    expect(routeAppRequest(appMediaUrl(id, 'original', { download: true }), 'GET')).toEqual({ kind: 'media', clipId: id, request: { variant: 'original' }, download: true });
    expect(routeAppRequest(appMediaUrl(id, { variant: 'rendered', format: 'jpeg' }, { version: 'abc' }), 'GET')).toEqual({
      kind: 'media',
      clipId: id,
      request: { variant: 'rendered', format: 'jpeg' },
      download: false,
    });
    expect(() => appMediaUrl('../../etc/passwd', 'original')).toThrow(/not a clip id/);
    expect(() => appMediaUrl(id, 'raw' as 'original')).toThrow(/media request/);
  });

  it('asks main for the document port and hands it to the page\'s own window once loaded', async () => {
    sandbox = await preload('loading');
    sandbox.api.requestDocumentPort!();
    expect(sandbox.invoked).toEqual([{ channel: DOCUMENT_PORT_REQUEST_CHANNEL, args: [] }]);
    const port = { name: 'port2' };
    sandbox.emit(DOCUMENT_PORT_CHANNEL, { ports: [port] });
    await Promise.resolve();
    expect(sandbox.posted).toEqual([]);
    sandbox.load();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sandbox.posted).toEqual([{ message: DOCUMENT_PORT_CHANNEL, targetOrigin: '*', transfer: [port] }]);
  });

  it('gives a dropped file\'s real path through webUtils', () => {
    expect(sandbox.api.pathForFile!({ name: 'shot.png' })).toBe('/home/someone/Pictures/shot.png');
  });
});
