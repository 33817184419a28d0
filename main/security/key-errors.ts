/** Errors a person sees: each message is one plain sentence, safe to print as the CLI's one-line reason. */
class KeyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The key file is missing, damaged, or from a newer ClipShot. */
export class KeyFileError extends KeyError {}

export class WrongPassphraseError extends KeyError {
  constructor() {
    super('wrong passphrase');
  }
}

export class EmptyPassphraseError extends KeyError {
  constructor() {
    super('the passphrase must not be empty');
  }
}

/** Nothing the caller offered can open the library (no passphrase slot, no secret in the keychain...). */
export class NoUnlockMethodError extends KeyError {}

/** A key given to change the slots is not this library's key: changing slots requires holding the key. */
export class LibraryKeyMismatchError extends KeyError {
  constructor() {
    super("the key given is not this library's key");
  }
}

/** A slot operation that cannot be done: unknown slot id, removing the last slot. */
export class KeySlotError extends KeyError {}
