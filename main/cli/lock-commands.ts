import { ApiError } from '../../contract/api.js';
import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import type { InstanceLock, UnlockedInstance, UnlockRequest } from '../security/lock/instance-lock.js';
import { CLI_ACTOR } from './unlock.js';

/** The exit code of a command refused because the running instance is locked. */
export const LOCKED_EXIT_CODE = 3;

/**
 * A control-socket command in an instance with an app lock: `lock` and `unlock` are answered
 * here; anything else runs against the unlocked instance, or is refused while locked.
 */
export async function runLockableCommand<T extends UnlockedInstance>(lock: InstanceLock<T>, request: CommandRequest, output: CommandOutput, runUnlocked: (instance: T) => Promise<number>): Promise<number> {
  if (request.command === 'lock') {
    await lock.lock('person');
    output.stdout('locked\n');
    return 0;
  }
  if (request.command === 'unlock') {
    if (!lock.locked) {
      output.stdout('already unlocked\n');
      return 0;
    }
    const unlock: UnlockRequest | null = request.options.keychain === true ? { keychain: true } : request.stdinText ? { passphrase: request.stdinText } : null;
    if (!unlock) {
      output.stderr('clipshot: unlock: no passphrase was given\n');
      return 2;
    }
    try {
      await lock.unlock(unlock, CLI_ACTOR);
    } catch (error) {
      output.stderr(`clipshot: cannot unlock: ${error instanceof Error ? error.message : String(error)}\n`);
      return error instanceof ApiError && error.code === 'rate-limited' ? LOCKED_EXIT_CODE : 1;
    }
    output.stdout('unlocked\n');
    return 0;
  }
  if (request.command === 'keys' && request.positionals[0] === 'rotate') {
    const { slots, blobs } = await lock.rotateKey(request.stdinText || null, CLI_ACTOR);
    output.stdout(`rotated the library key: the database is re-encrypted and ${slots} unlock method(s) re-wrapped; ${blobs} blob file(s) re-encrypted under new blob keys\n`);
    return 0;
  }
  if (lock.locked) {
    output.stderr(`clipshot: the library is locked: nothing of it can be read until it is unlocked (clipshot unlock)\n`);
    return LOCKED_EXIT_CODE;
  }
  return runUnlocked(lock.current());
}
