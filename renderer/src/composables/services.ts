import { inject, type InjectionKey } from 'vue';
import type { ConnectionStatus, FileImporter } from '../api/connect.js';

// The parts of the core connection that are not the API itself (main.ts provides them).

export const CONNECTION_STATUS_KEY: InjectionKey<ConnectionStatus> = Symbol('clipshot-connection-status');
export const FILE_IMPORTER_KEY: InjectionKey<FileImporter> = Symbol('clipshot-file-importer');

/** The connection's state, or null where the app runs without a connection that can drop (tests against the core in-process). */
export function useConnectionStatus(): ConnectionStatus | null {
  return inject(CONNECTION_STATUS_KEY, null);
}

export function useFileImporter(): FileImporter {
  const files = inject(FILE_IMPORTER_KEY);
  if (!files) throw new Error('useFileImporter() needs the file importer provided by the app (FILE_IMPORTER_KEY)');
  return files;
}
