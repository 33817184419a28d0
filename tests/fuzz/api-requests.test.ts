// Fuzzing the API boundary every transport shares (the Electron IPC bridge, serve's WebSocket):
// the wire-message schema, then random method names and params through the real ApiService over
// a real library. Bad requests must come back as a typed ApiError, never 'internal' (an error the
// core did not expect) and never an unhandled rejection.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, API_REQUEST_SCHEMAS, apiRequestMessageSchema, ApiError, type ApiMethod } from '../../contract/api.js';
import { importText } from '../../main/library/importer.js';
import { createTestCore, type TestCore } from '../helpers/direct-api.js';
import { budget, failOnUnhandledRejections } from './fuzz-budget.js';

failOnUnhandledRejections();

// Methods that reach outside the library (the person's files, the network, the screen): a random
// but valid request to them could import a folder or dial a host, which is not what this checks.
const OUTSIDE = new Set<string>(['importPaths', 'importModels', 'installModel', 'planModelInstall', 'joinDevice', 'connectDevice', 'startPairing', 'enableProvider', 'captureInput', 'saveCapture', 'exportClip', 'bulkExport', 'setOriginals']);
const METHODS = API_METHODS.filter((method) => !OUTSIDE.has(method));

describe('fuzzing the API request boundary', () => {
  let core: TestCore;
  let clipId: string;

  let parent: string;

  beforeAll(async () => {
    // Not tempDir: that folder goes after the first test, and the core here serves all three
    // (a method that writes a file of its own beside the database, changeRateLimits, then failed).
    parent = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-fuzz-api-'));
    core = await createTestCore(parent);
    const event = await importText(core.library, 'a clip for the fuzzer');
    if (event.type !== 'imported') throw new Error('the fixture clip was not imported');
    clipId = event.id;
  });

  afterAll(async () => {
    await core.close();
    await fs.rm(parent, { recursive: true, force: true });
  });

  it('parses any wire message into a request or a refusal', () => {
    const wire = fc.oneof(fc.record({ id: fc.oneof(fc.nat(), fc.anything()), method: fc.oneof(fc.constantFrom(...API_METHODS), fc.string()), params: fc.anything() }, { requiredKeys: [] }), fc.anything());
    fc.assert(
      fc.property(wire, (message) => {
        const parsed = apiRequestMessageSchema.safeParse(message);
        if (parsed.success) expect(parsed.data.method.length).toBeLessThanOrEqual(64);
      }),
      budget(3000),
    );
  });

  it('answers random method names with invalid-request', async () => {
    const name = fc.oneof(fc.string({ maxLength: 64 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'close', 'dispatch'));
    await fc.assert(
      fc.asyncProperty(name.filter((method) => !Object.hasOwn(API_REQUEST_SCHEMAS, method)), fc.anything(), async (method, params) => {
        const error = await core.service.dispatch(method, params).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).code).toBe('invalid-request');
      }),
      budget(500),
    );
  });

  it('answers random params to every method with a result or a typed ApiError, never internal', async () => {
    const clipIds = fc.oneof(fc.constant(() => clipId), fc.string().map((text) => () => text));
    const paramsShaped = fc.record(
      {
        id: clipIds,
        ids: fc.array(clipIds, { maxLength: 3 }),
        clipId: clipIds,
        text: fc.string(),
        tags: fc.array(fc.string(), { maxLength: 3 }),
        limit: fc.oneof(fc.integer({ min: -3, max: 300 }), fc.anything()),
        cursor: fc.anything(),
        query: fc.anything(),
        title: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), fc.oneof(paramsShaped, fc.anything()), async (method: ApiMethod, rawParams) => {
        // Ids are resolved late so the known clip's id (known only after beforeAll) is in the mix.
        const params = rawParams !== null && typeof rawParams === 'object' && !Array.isArray(rawParams) ? Object.fromEntries(Object.entries(rawParams).map(([key, value]) => [key, typeof value === 'function' ? (value as () => string)() : Array.isArray(value) ? value.map((item: unknown) => (typeof item === 'function' ? (item as () => string)() : item)) : value])) : rawParams;
        const error = await core.service.dispatch(method, params).then(
          () => null,
          (caught: unknown) => caught,
        );
        if (error === null) return;
        expect(error, `${method} ${JSON.stringify(params)}: ${String(error)}`).toBeInstanceOf(ApiError);
        expect((error as ApiError).code, `${method} ${JSON.stringify(params)}: ${(error as ApiError).message}`).not.toBe('internal');
        seen.set((error as ApiError).code, (seen.get((error as ApiError).code) ?? 0) + 1);
      }),
      budget(600),
    );
    expect(seen.get('invalid-request')).toBeGreaterThan(0);
  });
});
