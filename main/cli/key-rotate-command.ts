import { runThroughControlSocket } from '../control/control-client.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { libraryPaths } from '../library/library-paths.js';
import { rotateLibraryKey } from '../security/key-rotation.js';
import { readKeySlots } from '../security/key-slots.js';
import { availableKeychain, CLI_ACTOR, passphraseFromEnvironmentOrPrompt, PASSPHRASE_ENV } from './unlock.js';

/**
 * `clipshot keys rotate`: a running instance (the app, `serve`) rotates its own key (its database
 * is open there); otherwise this process does, on the closed library.
 */
export async function runKeyRotation(dir: string, request: CommandRequest, output: CommandOutput): Promise<number> {
  const paths = libraryPaths(dir);
  const { slots } = await readKeySlots(paths.keyFile);
  // Every passphrase slot must be re-wrapped, and only its passphrase can: ask for it here, at the terminal.
  const passphrase = slots.some((slot) => slot.method === 'passphrase') ? await passphraseFromEnvironmentOrPrompt(PASSPHRASE_ENV, 'Library passphrase: ') : null;
  const forwarded = await runThroughControlSocket(paths.controlSocket, { ...request, ...(passphrase && { stdinText: passphrase }) }, output);
  if (forwarded !== null) return forwarded;
  const store = slots.some((slot) => slot.method === 'keychain') ? await availableKeychain() : null;
  const rotated = await rotateLibraryKey(paths, { passphrase, store }, CLI_ACTOR);
  output.stdout(`rotated the library key: the database is re-encrypted and ${rotated.slots} unlock method(s) re-wrapped; ${rotated.blobs} blob file(s) re-encrypted under new blob keys\n`);
  return 0;
}
