// `clipshot serve` beyond loopback (every interface), reached the way a LAN neighbour would: at
// this machine's own non-loopback address, over HTTPS, with the certificate it printed pinned.
import type { ChildProcess } from 'node:child_process';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { collect, startCli, waitForLine, type CliResult } from './cli.js';

export interface RemoteServe {
  /** https://ADDRESS:PORT, ADDRESS being this machine's non-loopback address serve printed. */
  origin: string;
  /** The SHA-256 fingerprint serve printed. */
  fingerprint: string;
  child: ChildProcess;
  output: Promise<CliResult>;
  stop(): Promise<CliResult>;
}

export async function startRemoteServe(libraryDir: string, args: string[] = []): Promise<RemoteServe> {
  const child = startCli(['--library', libraryDir, 'serve', '--host', '0.0.0.0', '--port', '0', '--no-sync', '--no-analysis', ...args]);
  const output = collect(child);
  const failed = async (error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; stderr: ${(await output).stderr}`);
  };
  const fingerprintLine = waitForLine(child, /^HTTPS certificate SHA-256 fingerprint: /).catch(failed);
  // The first address on an outside interface: what another device on the LAN would open.
  const openLine = await waitForLine(child, /^Open https:\/\/(?!127\.|\[::1\]|localhost)[^/]+\/$/).catch(failed);
  const fingerprint = (await fingerprintLine).replace(/^HTTPS certificate SHA-256 fingerprint: /, '').trim();
  return {
    origin: new URL(openLine.replace(/^Open /, '').trim()).origin,
    fingerprint,
    child,
    output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return output;
    },
  };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** SHA-256 fingerprint of the certificate the server presented on this connection. */
  certificate: string;
}

/**
 * An HTTPS request that accepts the self-signed certificate only after reading it: the caller
 * compares `certificate` with what serve printed (a browser's "proceed anyway" after checking).
 */
export function httpsRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: options.method ?? 'GET', headers: options.headers, rejectUnauthorized: false, agent: false }, (response) => {
      const certificate = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), certificate }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Logs in as the login form does; the session cookie ("name=value") on success, else the refusal. */
export async function logIn(origin: string, passphrase: string): Promise<{ cookie: string | null; answer: HttpsAnswer }> {
  const answer = await httpsRequest(`${origin}/login`, {
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ passphrase }).toString(),
  });
  const setCookie = answer.headers['set-cookie']?.[0];
  return { cookie: answer.status === 303 && setCookie ? setCookie.split(';')[0]! : null, answer };
}

/** Opens the API WebSocket; resolves with the socket, or rejects with the HTTP status it was refused with. */
export function openApiSocket(origin: string, headers: Record<string, string>): Promise<WebSocket> {
  const socket = new WebSocket(`${origin.replace(/^https/, 'wss')}/api`, { headers, rejectUnauthorized: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`refused: ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

/** Resolves with the code and reason the server closed the socket with. */
export function closedWith(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}
