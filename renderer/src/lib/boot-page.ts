import { describeError } from './describe-error.js';

export interface PageFailure {
  /** The message's class (the page's own style). */
  className: string;
  testid: string;
  /** What the page was trying to do, for describeError ("open the capture"). */
  action: string;
}

/**
 * Starts one of the small pages: `mount` builds its app into #rootId, then the page says it is
 * ready (data-ready, which tests and the desktop shell wait for); if anything fails, the reason is
 * shown in words in its place.
 */
export async function bootPage(rootId: string, failure: PageFailure, mount: (root: HTMLElement) => Promise<void>): Promise<void> {
  const root = document.getElementById(rootId);
  if (!root) throw new Error(`this page has no #${rootId} element`);
  try {
    await mount(root);
    document.documentElement.dataset.ready = 'true';
  } catch (error) {
    const message = document.createElement('p');
    message.className = failure.className;
    message.dataset.testid = failure.testid;
    message.textContent = describeError(error, failure.action);
    root.replaceChildren(message);
  }
}
