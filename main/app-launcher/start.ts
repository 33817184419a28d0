// `npm start`: the Electron app where it can run, else `clipshot serve` with one line saying why.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_NODE_FLAGS } from '../cli/core-process.js';
import { electronInstallScript, findElectronBinary, runElectronDownload } from './electron-binary.js';
import { decideLaunch, fallbackNotice, shouldTryDownload, type LaunchFacts } from './launch-decision.js';
import { exitLike, runChild } from './run-child.js';

// Enough for the ~100 MB zip on an ordinary connection; without a network it fails within a second or two.
const DOWNLOAD_TIMEOUT_MS = 60_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const APP_ENTRY = path.join(here, '..', 'app', 'main.js');
const CLI = path.join(here, '..', '..', '..', 'bin', 'clipshot.js');

async function gatherFacts(): Promise<LaunchFacts> {
  return { platform: process.platform, electron: await findElectronBinary(), display: process.env.DISPLAY, waylandDisplay: process.env.WAYLAND_DISPLAY, uid: process.getuid?.() ?? null };
}

async function main(args: string[]): Promise<never> {
  let facts = await gatherFacts();
  const installScript = electronInstallScript();
  if (installScript !== null && shouldTryDownload(facts, Boolean(process.env.CLIPSHOT_NO_ELECTRON_DOWNLOAD))) {
    process.stderr.write('ClipShot: fetching the Electron binary, once (CLIPSHOT_NO_ELECTRON_DOWNLOAD=1 skips this)\n');
    const failure = await runElectronDownload(installScript, DOWNLOAD_TIMEOUT_MS);
    facts = await gatherFacts();
    if (failure !== null && 'missing' in facts.electron) facts.electron = { missing: `${facts.electron.missing}: ${failure}` };
  }
  const decision = decideLaunch(facts);
  if (decision.run === 'electron') {
    try {
      // On its command line, --js-flags reaches the main process too (app.commandLine cannot: V8 is running by then).
      return exitLike(await runChild(decision.binary, [`--js-flags=${CORE_NODE_FLAGS.join(' ')}`, APP_ENTRY, ...args]));
    } catch (error) {
      return serve(`the binary could not start: ${error instanceof Error ? error.message : String(error)}`, args);
    }
  }
  return serve(decision.reason, args);
}

async function serve(reason: string, args: string[]): Promise<never> {
  process.stderr.write(`${fallbackNotice(reason)}\n`);
  // Started with the core's heap flags, so the CLI does not relaunch itself once more.
  return exitLike(await runChild(process.execPath, [...CORE_NODE_FLAGS, CLI, 'serve', ...args]));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`ClipShot: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
