// Whether `npm start` can open the Electron app here, and if not, why: in one line.

export type ElectronBinary = { path: string } | { missing: string };

export interface LaunchFacts {
  platform: NodeJS.Platform;
  electron: ElectronBinary;
  /** DISPLAY / WAYLAND_DISPLAY as set (or not) in the environment. */
  display: string | undefined;
  waylandDisplay: string | undefined;
  /** null where there are no user ids (Windows). */
  uid: number | null;
}

export type LaunchDecision = { run: 'electron'; binary: string } | { run: 'serve'; reason: string };

/** Everything that keeps Electron from starting, not only the first, so one run says all of it. */
export function decideLaunch(facts: LaunchFacts): LaunchDecision {
  const obstacles = environmentObstacles(facts);
  if ('missing' in facts.electron) return { run: 'serve', reason: [facts.electron.missing, ...obstacles].join('; ') };
  if (obstacles.length > 0) return { run: 'serve', reason: obstacles.join('; ') };
  return { run: 'electron', binary: facts.electron.path };
}

/** A download is worth trying only when the binary is all that is missing. */
export function shouldTryDownload(facts: LaunchFacts, downloadDisabled: boolean): boolean {
  return !downloadDisabled && 'missing' in facts.electron && environmentObstacles(facts).length === 0;
}

export function fallbackNotice(reason: string): string {
  return `ClipShot: Electron is not available (${reason}); starting \`clipshot serve\` instead`;
}

function environmentObstacles(facts: LaunchFacts): string[] {
  const obstacles: string[] = [];
  // macOS and Windows always have a display; everything else draws through X11 or Wayland.
  if (facts.platform !== 'darwin' && facts.platform !== 'win32' && !facts.display && !facts.waylandDisplay) obstacles.push('no display: neither DISPLAY nor WAYLAND_DISPLAY is set');
  // Chromium's sandbox refuses to run as root on Linux, and the app does not run without it.
  if (facts.platform === 'linux' && facts.uid === 0) obstacles.push("running as root, where Chromium's sandbox does not start");
  return obstacles;
}
