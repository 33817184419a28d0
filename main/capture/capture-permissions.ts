// Whether this desktop lets ClipShot capture the screen and hear global shortcuts, said plainly:
// what is wrong, how to fix it, and the way that still works meanwhile. Plain functions over what
// the shell found out (the environment, the portal, macOS's permission state), so every case is
// tested here; only the finding out (D-Bus, systemPreferences) needs the desktop.

export interface CaptureEnvironment {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Linux: which xdg-desktop-portal interfaces answer on the session bus (ScreenCast is how
   * Chromium captures a Wayland screen; GlobalShortcuts how an app hears keys there); null when
   * not looked up.
   */
  portal?: { screenCast: boolean; globalShortcuts: boolean } | null;
  /** macOS: systemPreferences.getMediaAccessStatus('screen'). */
  macScreenAccess?: 'not-determined' | 'granted' | 'denied' | 'restricted' | 'unknown';
}

/** 'source-app': which app copied (for excluded apps); 'snapping': the windows a region snaps to. */
export type CaptureProblemArea = 'capture' | 'shortcuts' | 'source-app' | 'snapping';

export interface CaptureProblem {
  area: CaptureProblemArea;
  /** What is wrong, in plain words. */
  problem: string;
  /** What the person can do about it. */
  fix: string;
  /** What works meanwhile (the tray menu, the CLI, importing). */
  route: string;
}

const IMPORT_ROUTE = 'Meanwhile, take screenshots with another tool and import them: drop them on the window, or `clipshot import FILE`.';
const TRAY_ROUTE = 'Meanwhile, capture from the tray menu, or bind a key in the desktop’s own keyboard settings to the command `clipshot capture region` (it asks the running app).';

/** Every problem this environment has with capturing the screen and with global shortcuts; [] when there is none. */
export function captureProblems(environment: CaptureEnvironment): CaptureProblem[] {
  if (environment.platform === 'darwin') return macProblems(environment);
  if (environment.platform === 'win32') return [];
  return linuxProblems(environment);
}

function linuxProblems(environment: CaptureEnvironment): CaptureProblem[] {
  const { env } = environment;
  const wayland = env.XDG_SESSION_TYPE === 'wayland' || Boolean(env.WAYLAND_DISPLAY);
  if (!wayland && !env.DISPLAY) {
    return [
      {
        area: 'capture',
        problem: 'There is no desktop session here (neither DISPLAY nor WAYLAND_DISPLAY is set), so there is no screen to capture.',
        fix: 'Run ClipShot in a desktop session (or over a remote desktop), then capture there.',
        route: IMPORT_ROUTE,
      },
    ];
  }
  if (!wayland) return [];
  const problems: CaptureProblem[] = [];
  const desktop = env.XDG_CURRENT_DESKTOP ? ` (${env.XDG_CURRENT_DESKTOP})` : '';
  if (environment.portal && !environment.portal.screenCast) {
    problems.push({
      area: 'capture',
      problem: `This is a Wayland session${desktop}, where apps may capture the screen only through the desktop portal, and no screen-capture portal (xdg-desktop-portal) answers.`,
      fix: 'Install xdg-desktop-portal with the backend for your desktop (xdg-desktop-portal-gnome, xdg-desktop-portal-kde or xdg-desktop-portal-wlr) and log in again. The first capture then asks you which screen to share.',
      route: IMPORT_ROUTE,
    });
  }
  if (!environment.portal?.globalShortcuts) {
    problems.push({
      area: 'shortcuts',
      problem: `This is a Wayland session${desktop}: apps hear global shortcuts only through the desktop’s GlobalShortcuts portal, which ${environment.portal ? 'does not answer here' : 'could not be checked'}, so Print Screen may never reach ClipShot.`,
      fix: 'Use a desktop whose portal offers global shortcuts (KDE Plasma 5.27+, GNOME 48+), or log in to an X11 session.',
      route: TRAY_ROUTE,
    });
  }
  return problems;
}

function macProblems(environment: CaptureEnvironment): CaptureProblem[] {
  const access = environment.macScreenAccess ?? 'unknown';
  if (access === 'granted' || access === 'not-determined' || access === 'unknown') return [];
  return [
    {
      area: 'capture',
      problem:
        access === 'restricted'
          ? 'macOS does not let ClipShot record the screen: a profile set by your organisation forbids it.'
          : 'macOS has not allowed ClipShot to record the screen, so a capture would show only the desktop picture, not your windows.',
      fix:
        access === 'restricted'
          ? 'Ask whoever manages this Mac to allow Screen Recording for ClipShot.'
          : 'Open System Settings › Privacy & Security › Screen & System Audio Recording, turn ClipShot on, then quit and reopen ClipShot.',
      route: IMPORT_ROUTE,
    },
  ];
}

/** One problem as a person reads it: the problem, the fix, the way meanwhile. */
export function describeCaptureProblem(problem: CaptureProblem): string {
  return `${problem.problem} ${problem.fix} ${problem.route}`;
}
