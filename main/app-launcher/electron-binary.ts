// Where the Electron binary is, if it was downloaded: the electron npm package's install script
// is not run by `npm install` here (package.json allowScripts), so it may well not be.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ElectronBinary } from './launch-decision.js';

const require = createRequire(import.meta.url);

/**
 * The electron package's main module returns the binary's path, or throws when its install
 * script never ran. Requiring it runs no Electron code: it only reads path.txt.
 */
export async function findElectronBinary(): Promise<ElectronBinary> {
  let binary: unknown;
  try {
    binary = require('electron');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return { missing: 'the electron package is not installed' };
    return { missing: 'binary not downloaded' };
  }
  if (typeof binary !== 'string') return { missing: 'the electron package did not name a binary' };
  try {
    await fs.access(binary, fs.constants.X_OK);
    return { path: binary };
  } catch {
    return { missing: 'binary not downloaded' };
  }
}

export function electronInstallScript(): string | null {
  try {
    return require.resolve('electron/install.js');
  } catch {
    return null;
  }
}

const NO_NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|getaddrinfo|socket hang up/;
const MAX_STDERR_BYTES = 64 * 1024;

/** Runs the electron package's own download once; resolves to null when it worked, else to why not. */
export function runElectronDownload(installScript: string, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [installScript], { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk;
    });
    child.on('error', (error) => resolve(`download failed: ${error.message}`));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(null);
      else if (signal !== null) resolve(`download timed out after ${Math.round(timeoutMs / 1000)} s`);
      else if (NO_NETWORK.test(stderr)) resolve('no network');
      else resolve(`download failed: ${firstLine(stderr) || `exit code ${code}`}`);
    });
  });
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 120);
}
