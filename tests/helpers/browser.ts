// Debian's Chromium driven by playwright-core, and a real `clipshot serve` for it to open.
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { collect, startCli, waitForLine } from './cli.js';

export const CHROMIUM_PATH = process.env.CLIPSHOT_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  // Chromium's own sandbox cannot start as root (CI runs as root); the page is our own app.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

export interface RunningServe {
  url: string;
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `clipshot serve` on the library and resolves once it prints its URL. Its sync listener
 * stays on loopback, on a free port, without LAN discovery: tests run many instances at once.
 * Background analysis is off unless asked for: it would keep the CPU busy under other tests.
 */
export async function startServe(libraryDir: string, env: Record<string, string | undefined> = {}, args: string[] = [], options: { analysis?: boolean } = {}): Promise<RunningServe> {
  const analysis = options.analysis === true ? [] : ['--no-analysis'];
  const child = startCli(['--library', libraryDir, 'serve', '--sync-host', '127.0.0.1', '--sync-port', '0', '--no-discovery', ...analysis, ...args], { env });
  const output = collect(child);
  const line = await waitForLine(child, /^Open http:\/\/127\.0\.0\.1:\d+\/\?token=/).catch(async (error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; stderr: ${(await output).stderr}`);
  });
  const url = line.replace(/^Open /, '').trim();
  return {
    url,
    origin: new URL(url).origin,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await output;
      if (result.code !== 0) throw new Error(`serve exited with ${result.code}: ${result.stderr}`);
    },
  };
}

/** A TCP port that was free a moment ago (for restarting serve on the same address). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
