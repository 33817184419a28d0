// One real `clipshot serve` on a temporary library, and Chromium pages opened on it.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, startServe, type RunningServe } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/cli.js';
import os from 'node:os';

export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'e2e');

export interface AppHarness {
  serve: RunningServe;
  browser: Browser;
  /** The one browser context every tab shares (cookies, granted permissions). */
  context: BrowserContext;
  libraryDir: string;
  /** A new tab with the app loaded (the first clips, or the empty state, painted). */
  openTab(options?: { colorScheme?: 'light' | 'dark' }): Promise<Page>;
  close(): Promise<void>;
}

/** `seed` fills the library (with the CLI, say) before serve opens it. */
export async function startApp(
  env: Record<string, string | undefined> = {},
  seed?: (libraryDir: string, work: string) => Promise<void>,
  options: { analysis?: boolean } = {},
): Promise<AppHarness> {
  // Not tests/helpers/temp.ts: its folders go after each test, and these must last the whole file.
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'clipshot-e2e-'));
  const libraryDir = path.join(work, 'library');
  await seed?.(libraryDir, work);
  const serve = await startServe(libraryDir, env, [], options);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The first visit trades the URL's token for the session cookie; later tabs share the context.
  let visited = false;
  return {
    serve,
    browser,
    context,
    libraryDir,
    openTab: async (options = {}) => {
      const page = await context.newPage();
      if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
      await page.goto(visited ? serve.origin : serve.url);
      visited = true;
      await waitUntilReady(page);
      return page;
    },
    close: async () => {
      await browser.close();
      await serve.stop();
      await fs.rm(work, { recursive: true, force: true });
    },
  };
}

export async function waitUntilReady(page: Page): Promise<void> {
  await page.waitForSelector('html[data-ready="true"]', { timeout: 30_000 });
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}
