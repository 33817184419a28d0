import { ApiError, type ClipShotApi, type ImportFailure } from '../../../contract/api.js';

export interface FileImportStart {
  /** The import that reports progress ('import-progress' events); null when no file could be handed over. */
  importId: string | null;
  /** Files that never reached the core (e.g. an upload refused), each with its reason. */
  failed: ImportFailure[];
}

/** Turns files a person dropped or picked into an import, however this window reaches the core. */
export interface FileImporter {
  importFiles(files: File[]): Promise<FileImportStart>;
}

/** Hands one file's bytes to the core and returns the upload id it was given. */
export type FileUpload = (file: File) => Promise<string>;

/** Where the core cannot read the person's files (a browser, under `serve`): each is uploaded, then the uploads are imported. */
export class UploadFileImporter implements FileImporter {
  constructor(
    private readonly api: ClipShotApi,
    private readonly upload: FileUpload,
  ) {}

  async importFiles(files: File[]): Promise<FileImportStart> {
    const uploads: { uploadId: string; name: string }[] = [];
    const failed: ImportFailure[] = [];
    for (const file of files) {
      try {
        uploads.push({ uploadId: await this.upload(file), name: file.name });
      } catch (error) {
        failed.push({ name: file.name, code: error instanceof ApiError ? error.code : 'upload-failed', reason: error instanceof Error ? error.message : String(error) });
      }
    }
    if (uploads.length === 0) return { importId: null, failed };
    const { importId } = await this.api.importUploads({ uploads });
    return { importId, failed };
  }
}

/** `serve`'s upload: POST /upload on the page's own origin (the session cookie goes along). */
export function uploadOverHttp(origin: string): FileUpload {
  return async (file) => {
    const response = await fetch(`${origin}/upload?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: file, credentials: 'same-origin' });
    const body = (await response.json().catch(() => null)) as { uploadId?: string; error?: unknown } | null;
    if (!response.ok || typeof body?.uploadId !== 'string') {
      if (body?.error) throw ApiError.from(body.error);
      throw new ApiError('internal', `the upload failed (HTTP ${response.status})`);
    }
    return body.uploadId;
  };
}

/** In Electron: the preload tells the real path of each file, and the core reads them itself. */
export class PathFileImporter implements FileImporter {
  constructor(
    private readonly api: ClipShotApi,
    private readonly pathForFile: (file: File) => string,
  ) {}

  async importFiles(files: File[]): Promise<FileImportStart> {
    const paths: string[] = [];
    const failed: ImportFailure[] = [];
    for (const file of files) {
      const path = this.pathForFile(file);
      if (path) paths.push(path);
      else failed.push({ name: file.name, code: 'no-path', reason: 'this item is not a file on this device' });
    }
    if (paths.length === 0) return { importId: null, failed };
    const { importId } = await this.api.importPaths({ paths });
    return { importId, failed };
  }
}
