/**
 * Starts the analysis worker process. Under Node it is `child_process.fork`; in Electron a
 * utility process (main/app). The host sees only this.
 */
export interface WorkerLauncher {
  launch(): WorkerChannel;
}

export interface WorkerChannel {
  readonly pid: number | undefined;
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Once, when the process is gone: its exit code, or the signal that ended it. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}
