export type RejectionCode = 'empty' | 'too-large' | 'unreadable' | 'unsupported' | 'corrupt' | 'too-many-pixels' | 'not-a-file';

/** Why a file cannot be imported; the message is one plain sentence a person can act on. */
export class ImportRejection extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImportRejection';
  }
}

const OS_REASONS: Record<string, string> = {
  ENOENT: 'the file does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission to read the file was denied',
  EPERM: 'the operating system did not permit reading the file',
  EISDIR: 'the path is a folder, not a file',
  ELOOP: 'the path has too many levels of symbolic links (probably a link loop)',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many files are open at once',
  ENFILE: 'too many files are open at once',
  EIO: 'the disk reported an input/output error',
  EBUSY: 'the file is busy or locked',
  ENXIO: 'the device behind the file is not available',
  ETIMEDOUT: 'reading the file timed out',
};

/** Turns a failed file-system call into a rejection whose message names the OS reason in words. */
export function rejectionFromFsError(error: unknown): ImportRejection {
  if (error instanceof ImportRejection) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code !== undefined ? OS_REASONS[code] : undefined;
  if (reason !== undefined) return new ImportRejection('unreadable', reason);
  const detail = error instanceof Error ? error.message : String(error);
  return new ImportRejection('unreadable', `the file cannot be read (${detail})`);
}
