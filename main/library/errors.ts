/** Errors a person sees: each message is one plain sentence, safe to print as the CLI's one-line reason. */
export class LibraryError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class LibraryInUseError extends LibraryError {
  constructor(dir: string) {
    super(`library is in use by another process: ${dir}`, 'in-use');
  }
}

export class LibraryNotFoundError extends LibraryError {
  constructor(dir: string) {
    super(`no library at ${dir} (import something to create one)`, 'not-found');
  }
}

export class ClipNotFoundError extends LibraryError {
  constructor(idOrPrefix: string) {
    super(`no clip with id ${idOrPrefix}`, 'clip-not-found');
  }
}

export class AmbiguousIdError extends LibraryError {
  constructor(prefix: string, matches: number) {
    super(`id prefix ${prefix} matches ${matches} clips; give more characters`, 'ambiguous-id');
  }
}

export class InvalidEditError extends LibraryError {
  constructor(message: string) {
    super(message, 'invalid-edit');
  }
}
