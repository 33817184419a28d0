import type { CommandOutput, CommandRequest } from '../control/protocol.js';
import { libraryPaths } from '../library/library-paths.js';
import { LibraryNotFoundError } from '../library/errors.js';
import { KeyringSecretStore } from '../security/keyring-secret-store.js';
import { addKeychainSlot, addPassphraseSlot, changePassphrase, readKeySlots, removeSlot, unlockWithPassphrase, unlockWithSecretStore } from '../security/key-slots.js';
import { availableKeychain, NEW_PASSPHRASE_ENV, passphraseFromEnvironmentOrPrompt, PASSPHRASE_ENV } from './unlock.js';
import { UsageError } from './parse-args.js';
import fs from 'node:fs/promises';
import type { AuditDetails } from '../../contract/audit.js';
import { PendingAuditJournal } from '../security/audit/pending-journal.js';
import { CLI_ACTOR } from './unlock.js';

/** `clipshot keys …`: works on the key file alone (re-wrapping), so it also runs while the app is open. */
export async function runKeyCommand(dir: string, request: CommandRequest, output: CommandOutput): Promise<number> {
  const keyFile = libraryPaths(dir).keyFile;
  await fs.access(keyFile).catch(() => {
    throw new LibraryNotFoundError(dir);
  });
  const [action, argument] = request.positionals;
  if (action === 'rotate') return (await import('./key-rotate-command.js')).runKeyRotation(dir, request, output);
  // Works on the key file alone (the app may hold the database): entries wait beside it for the next open.
  const audit = new PendingAuditJournal(libraryPaths(dir).auditPending);
  try {
    return await runKeyAction(keyFile, action, argument, request, output, (details) => audit.record({ kind: 'key-change', actor: CLI_ACTOR, details }));
  } finally {
    await audit.flush();
  }
}

async function runKeyAction(keyFile: string, action: string | undefined, argument: string | undefined, request: CommandRequest, output: CommandOutput, audit: (details: AuditDetails) => void): Promise<number> {
  switch (action) {
    case 'list': {
      const info = await readKeySlots(keyFile);
      if (request.options.json === true) output.stdout(`${JSON.stringify(info)}\n`);
      else for (const slot of info.slots) output.stdout(`${slot.id}  ${slot.method.padEnd(10)}  ${new Date(slot.createdAt).toISOString()}  ${slot.label}\n`);
      return 0;
    }
    case 'change-passphrase': {
      const current = await passphraseFromEnvironmentOrPrompt(PASSPHRASE_ENV, 'Current passphrase: ');
      const next = await passphraseFromEnvironmentOrPrompt(NEW_PASSPHRASE_ENV, 'New passphrase: ', true);
      await changePassphrase(keyFile, current, next);
      audit({ action: 'change-passphrase' });
      output.stdout('passphrase changed\n');
      return 0;
    }
    case 'add-passphrase': {
      const key = await unlockKey(keyFile);
      const next = await passphraseFromEnvironmentOrPrompt(NEW_PASSPHRASE_ENV, 'New passphrase: ', true);
      const slot = await addPassphraseSlot(keyFile, key, next);
      audit({ action: 'add-passphrase', slot: slot.id });
      output.stdout(`added passphrase slot ${slot.id}\n`);
      return 0;
    }
    case 'add-keychain': {
      const store = await availableKeychain();
      if (!store) throw new UsageError('no OS keychain (Secret Service) is available here');
      const key = await unlockKey(keyFile);
      const slot = await addKeychainSlot(keyFile, key, store);
      audit({ action: 'add-keychain', slot: slot.id });
      output.stdout(`added keychain slot ${slot.id}\n`);
      return 0;
    }
    case 'remove': {
      if (!argument) throw new UsageError('keys remove: give the slot id (see: clipshot keys list)');
      const key = await unlockKey(keyFile);
      await removeSlot(keyFile, argument, key, new KeyringSecretStore());
      audit({ action: 'remove', slot: argument });
      output.stdout(`removed slot ${argument}\n`);
      return 0;
    }
    default:
      throw new UsageError(`keys: unknown action "${action ?? ''}" (list, add-passphrase, change-passphrase, add-keychain, remove SLOT, rotate)`);
  }
}

async function unlockKey(keyFile: string): Promise<Buffer> {
  const passphrase = process.env[PASSPHRASE_ENV];
  if (passphrase) return unlockWithPassphrase(keyFile, passphrase);
  const { slots } = await readKeySlots(keyFile);
  if (slots.some((slot) => slot.method === 'keychain')) {
    const store = await availableKeychain();
    if (store) return unlockWithSecretStore(keyFile, store);
  }
  return unlockWithPassphrase(keyFile, await passphraseFromEnvironmentOrPrompt(PASSPHRASE_ENV, 'Library passphrase: '));
}
