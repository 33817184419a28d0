// Runs inside a plugin process, before any plugin code. Node 20's permission model already
// refuses file reads outside the allowed folders, file writes, child processes, worker threads,
// native addons, the inspector and process.binding; it does not cover the network or signals.
// This closes those: network only through the host (PluginHostApi.net.fetch), no signals to
// other processes. Imports: Node built-ins only (the runtime may read nothing outside its folder).
import dgram from 'node:dgram';
import dns from 'node:dns';
import dnsPromises from 'node:dns/promises';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import v8 from 'node:v8';

const NO_NETWORK = 'plugins have no direct network access: use host.net.fetch, which reaches only the hosts the manifest declares (net:<host>)';

export class RuntimeAccessDeniedError extends Error {
  readonly code = 'ERR_ACCESS_DENIED';
  constructor(what: string, why: string) {
    super(`${what}: ${why}`);
    this.name = 'RuntimeAccessDeniedError';
  }
}

/** A plain function, not an arrow: `new net.Socket()` must throw this refusal too, not "not a constructor". */
function denied(what: string, why = NO_NETWORK): () => never {
  return function refused(): never {
    throw new RuntimeAccessDeniedError(what, why);
  };
}

/** Replaces every function a module exports, so `import('node:net')` and `require('net')` alike get the refusals. */
function closeModule(name: string, exports: object): void {
  const target = exports as Record<string, unknown>;
  for (const key of Object.keys(target)) {
    // Some exports are lazy getters (net.BlockList): they are replaced by plain values.
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor?.configurable || typeof target[key] !== 'function') continue;
    Object.defineProperty(target, key, { value: denied(`${name}.${key}`), writable: true, enumerable: descriptor.enumerable ?? true, configurable: true });
  }
}

export function lockDown(): void {
  // Node creates stdout/stderr lazily as net.Socket on a pipe: make them before net is closed.
  void process.stdout;
  void process.stderr;
  void process.stdin;

  // Internal code keeps references to the classes (http.Agent creates sockets through its own copy
  // of net.createConnection), so the prototypes every TCP and UDP path goes through are closed too.
  net.Socket.prototype.connect = denied('net.Socket.connect');
  net.Server.prototype.listen = denied('net.Server.listen');
  dgram.Socket.prototype.bind = denied('dgram.Socket.bind');
  dgram.Socket.prototype.connect = denied('dgram.Socket.connect');
  dgram.Socket.prototype.send = denied('dgram.Socket.send');
  for (const [name, exports] of Object.entries({ net, tls, http, https, http2, dgram, dns, 'dns/promises': dnsPromises })) closeModule(name, exports);
  closeModule('dns.promises', dns.promises);
  // Name lookups are network traffic too (a query can carry data out); Resolver instances are closed above.

  for (const name of ['fetch', 'WebSocket', 'EventSource']) {
    if (name in globalThis) Object.defineProperty(globalThis, name, { value: undefined, configurable: false, writable: false });
  }

  process.kill = denied('process.kill', 'plugins cannot signal processes');
  // A flag such as --allow-natives-syntax set at run time would reach V8 internals.
  v8.setFlagsFromString = denied('v8.setFlagsFromString', 'plugins cannot change V8 flags');

  // ESM namespaces of built-ins are copies: make `import { connect } from 'node:net'` see the refusals.
  syncBuiltinESMExports();
}
