import { describe, expect, it } from 'vitest';
import { PLUGIN_API_PERMISSIONS, type PluginApiMethod } from '../../../contract/plugins.js';
import { API_PARAM_SCHEMAS } from '../../../main/plugins/host/api-params.js';
import { isDeclaredHost, missingPermission } from '../../../main/plugins/host/api-permissions.js';
import { isInternalAddress } from '../../../main/plugins/host/plugin-fetch.js';
import { parsePluginMessage } from '../../../main/plugins/host/plugin-messages.js';

describe('permission checks', () => {
  it('allows each method only with the permission it needs', () => {
    const methods = Object.keys(PLUGIN_API_PERMISSIONS) as PluginApiMethod[];
    for (const method of methods) {
      const needed = PLUGIN_API_PERMISSIONS[method];
      if (needed === null) {
        expect(missingPermission(method, []), method).toBeNull();
      } else if (needed === 'net') {
        expect(missingPermission(method, ['clips:read'])).toContain('needs a net:<host> permission');
        expect(missingPermission(method, ['net:example.com'])).toBeNull();
      } else {
        expect(missingPermission(method, []), method).toContain(`needs the "${needed}" permission`);
        expect(missingPermission(method, [needed]), method).toBeNull();
      }
    }
  });

  it('matches declared hosts exactly: a name on any port, or an address with its port', () => {
    const url = (href: string) => new URL(href);
    expect(isDeclaredHost(url('https://api.example.com/v1'), ['net:api.example.com'])).toBe(true);
    expect(isDeclaredHost(url('https://API.Example.com:8443/'), ['net:api.example.com'])).toBe(true);
    expect(isDeclaredHost(url('https://evil.api.example.com/'), ['net:api.example.com'])).toBe(false);
    expect(isDeclaredHost(url('https://api.example.com.evil.net/'), ['net:api.example.com'])).toBe(false);
    expect(isDeclaredHost(url('http://127.0.0.1:8080/'), ['net:127.0.0.1:8080'])).toBe(true);
    expect(isDeclaredHost(url('http://127.0.0.1:8081/'), ['net:127.0.0.1:8080'])).toBe(false);
    expect(isDeclaredHost(url('http://127.0.0.1/'), ['net:127.0.0.1:8080'])).toBe(false);
    expect(isDeclaredHost(url('http://[::1]:9000/'), ['net:[::1]:9000'])).toBe(true);
    expect(isDeclaredHost(url('http://localhost:8080/'), ['net:127.0.0.1:8080'])).toBe(false);
    expect(isDeclaredHost(url('https://api.example.com/'), ['clips:read'])).toBe(false);
  });

  it('tells this device and private networks from public addresses', () => {
    for (const internal of ['127.0.0.1', '127.8.9.10', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isInternalAddress(internal), internal).toBe(true);
    }
    for (const external of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8']) {
      expect(isInternalAddress(external), external).toBe(false);
    }
  });
});

describe('messages from plugins', () => {
  it('accepts the protocol and names what is wrong with anything else', () => {
    expect(parsePluginMessage({ type: 'call', id: 3, method: 'clips.get', params: { id: 'x' } })).toEqual({ ok: true, message: { type: 'call', id: 3, method: 'clips.get', params: { id: 'x' } } });
    expect(parsePluginMessage({ type: 'result', id: 1, ok: false, error: { code: 'timeout', message: 'slow' } }).ok).toBe(true);
    expect(parsePluginMessage({ type: 'result', id: 1, ok: true, value: new Uint8Array([1]) }).ok).toBe(true);
    expect(parsePluginMessage({ type: 'call', id: 3, method: 'library.drop', params: {} })).toMatchObject({ ok: false, reason: expect.stringContaining('method') });
    expect(parsePluginMessage({ type: 'call', id: -1, method: 'clips.get', params: {} })).toMatchObject({ ok: false, reason: expect.stringContaining('id') });
    expect(parsePluginMessage({ type: 'result', id: 1, ok: false, error: { code: 'made-up', message: 'x' } }).ok).toBe(false);
    expect(parsePluginMessage({ type: 'log', level: 'debug', message: 'x' }).ok).toBe(false);
    expect(parsePluginMessage('hello').ok).toBe(false);
    expect(parsePluginMessage(null).ok).toBe(false);
  });

  it('checks every method\'s params strictly', () => {
    expect(API_PARAM_SCHEMAS['clips.list'].safeParse({ limit: 10 }).success).toBe(true);
    expect(API_PARAM_SCHEMAS['clips.list'].safeParse({ limit: 10_000 }).success).toBe(false);
    expect(API_PARAM_SCHEMAS['clips.get'].safeParse({ id: 'abc', extra: 1 }).success).toBe(false);
    expect(API_PARAM_SCHEMAS['blobs.read'].safeParse({ hash: '../../etc/passwd' }).success).toBe(false);
    expect(API_PARAM_SCHEMAS['net.fetch'].safeParse({ url: 'https://x', init: { method: 'CONNECT' } }).success).toBe(false);
    expect(API_PARAM_SCHEMAS['clips.addTags'].safeParse({ id: 'a', tags: [] }).success).toBe(false);
  });
});
