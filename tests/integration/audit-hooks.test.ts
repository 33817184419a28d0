// The audit hooks that the CLI tests (audit-cli.test.ts) do not reach, each through the real part:
// a plugin installed and updated with consent through PluginService from a real Verdaccio; a remote
// AI request to a real loopback server speaking OpenAI's API; pairing and unpairing between two real
// `clipshot serve` processes; an export job through the API. Each entry names what was done (ids,
// sizes, hosts) and never holds the clip's text, and the log still verifies. Needs `npx tsc -p
// tsconfig.json` first (plugins and devices run the built code).
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExportProgress } from '../../contract/api.js';
import type { AuditEntryView, AuditKind } from '../../contract/audit.js';
import type { DeviceView } from '../../contract/devices.js';
import { openLibraryProviderRegistry } from '../../main/ai/providers/library-provider-registry.js';
import type { Library } from '../../main/library/library.js';
import { MemorySecretStore } from '../../main/security/memory-secret-store.js';
import { createTestCore, type TestCore } from '../helpers/direct-api.js';
import { PLUGINS_DIR } from '../helpers/example-plugins.js';
import { startFakeOpenAi, type FakeApi } from '../helpers/fake-ai-apis.js';
import { createTestLibrary } from '../helpers/library.js';
import { startTestMarketplace, startTestPluginService, type TestMarketplace } from '../helpers/plugin-marketplace.js';
import { pairDevices, startDevice, stopAllDevices } from '../helpers/sync-devices.js';
import { tempDir } from '../helpers/temp.js';

const SECRET = 'the bank password is hunter2-and-more';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The library's entries of one kind, oldest first, and the whole log's stored text. */
function entriesOf(library: Library, kind: AuditKind): AuditEntryView[] {
  return library.audit.list({ kind, limit: 1000 }).entries.reverse();
}
function auditTableText(library: Library): string {
  return JSON.stringify(library.db.prepare('SELECT * FROM audit_log').all());
}

describe('plugin installs and permission grants through PluginService', () => {
  let marketplace: TestMarketplace;
  beforeAll(async () => {
    marketplace = await startTestMarketplace();
    await marketplace.publishSigned(path.join(PLUGINS_DIR, 'word-count'));
    const variants = await tempDir('audit-variants-');
    await marketplace.publishSigned(await marketplace.exampleVariant(variants, 'word-count', { version: '1.1.0', permissions: ['clips:read', 'ui:panel', 'clipboard'] }));
  });
  afterAll(async () => {
    await marketplace?.stop();
  });

  it('records the install with the permissions granted, then the update with only the new one', async () => {
    const pluginsDir = path.join(await tempDir(), 'plugins');
    const core = await createTestCore(undefined, { plugins: (library) => startTestPluginService(library, pluginsDir, marketplace) });
    cleanups.push(() => core.close());
    await core.api.pluginInstall({ packageName: 'clipshot-plugin-word-count', version: '1.0.0', consent: { permissions: ['clips:read', 'ui:panel'], allowUnsigned: false } });
    await core.api.pluginUpdate({ id: 'clipshot.word-count', consent: { permissions: ['clips:read', 'ui:panel', 'clipboard'], allowUnsigned: false } });

    expect(entriesOf(core.library, 'plugin-install').map((entry) => [entry.actor, entry.details])).toEqual([
      [{ type: 'device', id: 'this-device' }, { plugin: 'clipshot.word-count', version: '1.0.0', granted: 'clips:read,ui:panel' }],
    ]);
    expect(entriesOf(core.library, 'plugin-update').map((entry) => entry.details)).toEqual([{ plugin: 'clipshot.word-count', version: '1.1.0', from: '1.0.0', granted: 'clipboard' }]);
    // The grants are entries of their own, by the plugin that got them, in the order given.
    expect(entriesOf(core.library, 'plugin-permissions').map((entry) => [entry.actor, entry.details.granted])).toEqual([
      [{ type: 'plugin', id: 'clipshot.word-count' }, 'clips:read,ui:panel'],
      [{ type: 'plugin', id: 'clipshot.word-count' }, 'clipboard'],
    ]);
    expect(core.library.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('remote AI requests', () => {
  let fake: FakeApi;
  beforeAll(async () => {
    fake = await startFakeOpenAi({ apiKey: 'sk-proj-audit-test-0c4e9a7b13', answer: () => 'words' });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('records provider, capability, size and host of what was sent, never the clip’s text', async () => {
    const { library } = await createTestLibrary();
    cleanups.push(() => library.close());
    const registry = openLibraryProviderRegistry(library, { keychain: new MemorySecretStore('keyring') });
    await registry.enable('openai', { apiKey: 'sk-proj-audit-test-0c4e9a7b13', baseUrl: `${fake.url}/v1`, consent: true, limits: { maxRetries: 0, timeoutMs: 5000 } });
    const before = fake.requests.length;
    await registry.get('openai').embed!([SECRET], new AbortController().signal);

    const sent = fake.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain(SECRET);
    const entries = entriesOf(library, 'ai-request');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: { type: 'device' }, details: { provider: 'openai', capability: 'embed', host: new URL(fake.url).host, bytes: Buffer.byteLength(sent[0]!.text), attempt: 1 } });
    expect(auditTableText(library)).not.toContain('hunter2');
    expect(library.audit.verify()).toMatchObject({ ok: true });
  });
});

describe('pairing and unpairing between real devices', () => {
  afterEach(stopAllDevices);

  it('each side records the pairing with the other’s fingerprint; the side that unpairs records that', async () => {
    const root = await tempDir('audit-pair-');
    const laptop = await startDevice(root, 'laptop');
    const phone = await startDevice(root, 'phone');
    await pairDevices(laptop, phone);
    const laptopView = await laptop.json<{ self: DeviceView; devices: DeviceView[] }>(['devices']);
    const phoneView = await phone.json<{ self: DeviceView; devices: DeviceView[] }>(['devices']);
    const phoneFingerprint = laptopView.devices[0]!.fingerprint;
    expect(phoneFingerprint).toBe(phoneView.self.fingerprint);

    expect((await laptop.cli(['unpair', 'phone'])).code).toBe(0);
    const laptopLog = await laptop.json<AuditEntryView[]>(['audit', '--json']);
    const phoneLog = await phone.json<AuditEntryView[]>(['audit', '--json']);
    expect(laptopLog.filter((entry) => entry.kind === 'pair').map((entry) => entry.details.fingerprint)).toEqual([phoneFingerprint]);
    expect(laptopLog.filter((entry) => entry.kind === 'unpair').map((entry) => entry.details.fingerprint)).toEqual([phoneFingerprint]);
    expect(phoneLog.filter((entry) => entry.kind === 'pair').map((entry) => entry.details.fingerprint)).toEqual([laptopView.self.fingerprint]);
    expect(phoneLog.filter((entry) => entry.kind === 'unpair')).toEqual([]);
    // The pairing comes before the unpairing, and both logs still verify (signed by the device key too).
    const kinds = laptopLog.map((entry) => entry.kind).filter((kind) => kind === 'pair' || kind === 'unpair');
    expect(kinds).toEqual(['pair', 'unpair']);
    for (const device of [laptop, phone]) {
      const checked = await device.cli(['audit', '--verify', '--json']);
      expect(checked.code).toBe(0);
      expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, signedBy: ['library', 'device'] });
    }
  });
});

describe('export jobs through the API', () => {
  it('records the finished job with its size, not the clip’s text', async () => {
    const core: TestCore = await createTestCore();
    cleanups.push(() => core.close());
    const { clipId } = await core.api.importText({ text: SECRET, title: 'Note' });
    const events: ExportProgress[] = [];
    core.api.onEvent((event) => {
      if (event.type === 'export-progress') events.push(event.progress);
    });
    const { jobId } = await core.api.exportClip({ id: clipId, format: 'txt' });
    await expect.poll(() => events.find((progress) => progress.jobId === jobId && progress.finished)).toMatchObject({ error: null });

    expect(entriesOf(core.library, 'export').map((entry) => [entry.actor, entry.details])).toEqual([[{ type: 'device', id: 'this-device' }, { job: jobId, bytes: Buffer.byteLength(SECRET) }]]);
    const listed = await core.api.auditLog({ kind: 'export' });
    expect(listed.entries.map((entry) => entry.details.job)).toEqual([jobId]);
    expect(auditTableText(core.library)).not.toContain('hunter2');
    expect(await core.api.verifyAudit({})).toMatchObject({ ok: true });
  });
});
