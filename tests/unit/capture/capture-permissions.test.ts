import { describe, expect, it } from 'vitest';
import { captureProblems, describeCaptureProblem } from '../../../main/capture/capture-permissions.js';

describe('capture permission problems', () => {
  it('finds none on X11 or Windows', () => {
    expect(captureProblems({ platform: 'linux', env: { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' } })).toEqual([]);
    expect(captureProblems({ platform: 'win32', env: {} })).toEqual([]);
  });

  it('says a headless session has no screen, and that importing works', () => {
    const [problem, ...rest] = captureProblems({ platform: 'linux', env: {} });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ area: 'capture' });
    expect(describeCaptureProblem(problem!)).toMatch(/no desktop session.*DISPLAY.*clipshot import FILE/);
  });

  it('on Wayland without the screen-capture portal, names the portal packages; without GlobalShortcuts, the CLI and tray routes', () => {
    const problems = captureProblems({ platform: 'linux', env: { XDG_SESSION_TYPE: 'wayland', XDG_CURRENT_DESKTOP: 'sway' }, portal: { screenCast: false, globalShortcuts: false } });
    expect(problems.map((problem) => problem.area)).toEqual(['capture', 'shortcuts']);
    expect(problems[0]!.problem).toContain('Wayland session (sway)');
    expect(problems[0]!.fix).toContain('xdg-desktop-portal-wlr');
    expect(problems[1]!.route).toContain('`clipshot capture region`');
  });

  it('on Wayland with both portals, finds nothing', () => {
    expect(captureProblems({ platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' }, portal: { screenCast: true, globalShortcuts: true } })).toEqual([]);
  });

  it('on macOS, says where to allow Screen Recording when it is denied, and who to ask when restricted', () => {
    expect(captureProblems({ platform: 'darwin', env: {}, macScreenAccess: 'granted' })).toEqual([]);
    expect(captureProblems({ platform: 'darwin', env: {}, macScreenAccess: 'not-determined' })).toEqual([]);
    const [denied] = captureProblems({ platform: 'darwin', env: {}, macScreenAccess: 'denied' });
    expect(denied!.fix).toContain('Privacy & Security › Screen & System Audio Recording');
    const [restricted] = captureProblems({ platform: 'darwin', env: {}, macScreenAccess: 'restricted' });
    expect(restricted!.fix).toContain('manages this Mac');
  });
});
