import fs from 'node:fs/promises';
import { runThroughControlSocket } from '../control/control-client.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { libraryPaths } from '../library/library-paths.js';
import { readKeySlots } from '../security/key-slots.js';
import { passphraseFromEnvironmentOrPrompt, PASSPHRASE_ENV } from './unlock.js';

/**
 * `clipshot lock` / `clipshot unlock`: they act on the running instance (the app or `serve`). The
 * passphrase is read here, where the terminal is, and travels over the owner-only control socket.
 */
export async function runLockClient(dir: string, request: CommandRequest, output: CommandOutput): Promise<number> {
  const paths = libraryPaths(dir);
  const running = await fs.lstat(paths.controlSocket).then((stat) => stat.isSocket(), () => false);
  if (running && request.command === 'unlock') await addUnlockSecret(paths.keyFile, request);
  const forwarded = running ? await runThroughControlSocket(paths.controlSocket, request, output) : null;
  if (forwarded !== null) return forwarded;
  throw new Error(`${request.command} works with a running ClipShot (the app or \`clipshot serve\`); no ClipShot holds the library at ${paths.dir} open, so its key is in no memory to lock or unlock`);
}

/** $CLIPSHOT_PASSPHRASE, else the instance's keychain slot (unless --passphrase), else a prompt. */
async function addUnlockSecret(keyFile: string, request: CommandRequest): Promise<void> {
  const fromEnvironment = process.env[PASSPHRASE_ENV];
  if (fromEnvironment) {
    request.stdinText = fromEnvironment;
    return;
  }
  const { slots } = await readKeySlots(keyFile);
  if (request.options.passphrase !== true && slots.some((slot) => slot.method === 'keychain')) {
    request.options.keychain = true;
    return;
  }
  request.stdinText = await passphraseFromEnvironmentOrPrompt(PASSPHRASE_ENV, 'Library passphrase: ');
}
