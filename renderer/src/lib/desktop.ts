/** Whether this window is the desktop app's (Electron's preload bridge is there), which can do what a browser tab cannot, like name a folder. */
export function isDesktopApp(): boolean {
  return typeof window !== 'undefined' && 'clipshot' in window;
}
