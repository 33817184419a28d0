import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import type { PluginApiParams, PluginPermission } from '../../../contract/plugins.js';
import { bareHostname, isDeclaredHost } from './api-permissions.js';
import { PluginError } from './plugin-error.js';

export interface PluginFetchLimits {
  /** The whole request, from connecting to the last byte of the body. */
  timeoutMs: number;
  /** Larger response bodies are refused (the request is cut off there). */
  maxResponseBytes: number;
}

export interface PluginFetchResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers the host sets or that would let a plugin reshape the connection. */
const DROPPED_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'upgrade', 'keep-alive', 'te', 'trailer', 'proxy-authorization', 'proxy-connection', 'accept-encoding', 'expect']);

/** Addresses a declared host *name* may not resolve to: the device itself, its networks, and special ranges. */
const INTERNAL = new net.BlockList();
for (const [prefix, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) INTERNAL.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) INTERNAL.addSubnet(prefix, bits, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, 'ipv4');
  return INTERNAL.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

/**
 * `net.fetch` done by the host for a plugin: only to hosts its permissions declare, http(s) only,
 * redirects handed back rather than followed (the next hop is checked when the plugin asks for it),
 * a time limit and a size cap. A declared *name* must resolve to a public address, so DNS cannot
 * point a plugin at this device or its network; an address declared literally (net:127.0.0.1:8080)
 * or `localhost` is reachable because the person saw it in the permissions.
 */
export async function pluginFetch(params: PluginApiParams['net.fetch'], permissions: readonly PluginPermission[], limits: PluginFetchLimits): Promise<PluginFetchResponse> {
  let url: URL;
  try {
    url = new URL(params.url);
  } catch {
    throw new PluginError('invalid-params', `net.fetch: not a URL: ${params.url.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PluginError('invalid-params', `net.fetch: only http and https URLs, not ${url.protocol}`);
  if (url.username || url.password) throw new PluginError('invalid-params', 'net.fetch: credentials in the URL are not allowed; send a header');
  if (!isDeclaredHost(url, permissions)) {
    throw new PluginError('permission-denied', `net.fetch: ${url.host} is not a host the plugin declares (it would need net:${url.host})`);
  }
  const hostname = bareHostname(url.hostname);
  const literal = net.isIP(hostname) !== 0 || hostname === 'localhost';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(params.init?.headers ?? {})) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  const body = params.init?.body;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (error: Error) => {
      settle(() => reject(error instanceof PluginError ? error : new PluginError('host-error', `net.fetch: ${url.host}: ${error.message}`)));
      request.destroy();
    };
    const request = client.request(url, { method: params.init?.method ?? 'GET', headers, agent: false, ...(!literal && { lookup: publicOnlyLookup }) }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxResponseBytes) fail(new PluginError('host-error', `net.fetch: the response from ${url.host} is over ${limits.maxResponseBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on('error', fail);
      response.on('end', () => settle(() => resolve({ status: response.statusCode ?? 0, headers: flattenHeaders(response.headers), body: Buffer.concat(chunks).toString('utf8') })));
    });
    const timer = setTimeout(() => fail(new PluginError('timeout', `net.fetch: ${url.host} did not answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    request.on('error', fail);
    request.end(body);
  });
}

/** Resolves a declared name, refusing it when it leads only to this device or its networks (exported for tests). */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { all: true, ...(options.family !== undefined && { family: options.family }) }, (error, addresses) => {
    if (error) return callback(error, '', 4);
    const usable = addresses.filter((entry) => !isInternalAddress(entry.address));
    if (usable.length === 0) {
      const refused = Object.assign(new Error(`${hostname} resolves only to addresses on this device or its network, which plugins may reach only when declared literally`), { code: 'EPERM' });
      return callback(refused, '', 4);
    }
    if (options.all) return (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, usable);
    callback(null, usable[0]!.address, usable[0]!.family);
  });
};

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
