// Runs inside the page (Chromium), injected by ui-bench.ts: plain JavaScript, since the
// project's TypeScript is checked against Node's globals, not the DOM's.

function gridScroller() {
  let scroller = document.querySelector('[data-testid="clip-grid"]');
  while (scroller && scroller.scrollHeight <= scroller.clientHeight) scroller = scroller.parentElement;
  if (!scroller) throw new Error('no scrollable grid');
  return scroller;
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

window.clipshotMeasures = {
  /** When the grid's first page was painted (the app's own mark) and the first contentful paint, ms after navigation began. */
  async paintTimes() {
    // The mark is set right after the data is rendered; the paint itself follows.
    await nextFrame();
    await nextFrame();
    const mark = performance.getEntriesByName('clipshot:first-paint')[0];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    if (!mark) throw new Error('the app did not mark clipshot:first-paint');
    return { firstPaint: mark.startTime, fcp: fcp ? fcp.startTime : -1 };
  },

  /** The display's frame interval, from an idle second of animation frames. */
  async frameInterval() {
    const stamps = [];
    for (let i = 0; i < 61; i++) stamps.push(await nextFrame());
    const intervals = stamps.slice(1).map((time, i) => time - stamps[i]).sort((a, b) => a - b);
    return intervals[Math.floor(intervals.length / 2)];
  },

  /**
   * Scrolls the grid by `pixelsPerFrame` on every animation frame for `durationMs` and counts the
   * frames missed: an interval of k refresh periods means k-1 frames dropped.
   */
  async scroll(pixelsPerFrame, refreshMs, durationMs) {
    const scroller = gridScroller();
    scroller.scrollTop = 0;
    await nextFrame();
    let longFrames = 0;
    const observer = new PerformanceObserver((list) => (longFrames += list.getEntries().length));
    observer.observe({ type: 'long-animation-frame' });
    const stamps = [];
    let maxCards = 0;
    let scrolled = 0;
    for (;;) {
      const time = await nextFrame();
      stamps.push(time);
      maxCards = Math.max(maxCards, document.querySelectorAll('[data-testid="clip-card"]').length);
      const before = scroller.scrollTop;
      scroller.scrollTop += pixelsPerFrame;
      scrolled += scroller.scrollTop - before;
      if (time - stamps[0] >= durationMs) break;
    }
    observer.disconnect();
    let dropped = 0;
    for (let i = 1; i < stamps.length; i++) dropped += Math.max(0, Math.round((stamps[i] - stamps[i - 1]) / refreshMs) - 1);
    return { frames: stamps.length, dropped, longFrames, maxCards, scrolled };
  },

  /** Moves the scroll position to the middle of the library and times until its cards show clips. */
  async jumpToMiddle() {
    const scroller = gridScroller();
    const before = new Set([...document.querySelectorAll('[data-testid="clip-card"][data-clip-id]')].map((card) => card.getAttribute('data-clip-id')));
    const started = performance.now();
    scroller.scrollTop = scroller.scrollHeight / 2;
    for (;;) {
      await nextFrame();
      const shown = [...document.querySelectorAll('[data-testid="clip-card"][data-clip-id]')].map((card) => card.getAttribute('data-clip-id'));
      if (shown.length > 0 && shown.every((id) => id && !before.has(id))) return performance.now() - started;
    }
  },
};
