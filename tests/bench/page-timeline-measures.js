// Runs inside the page (Chromium), injected by timeline-bench.ts: plain JavaScript, like
// page-measures.js. Each measure acts as a person would (a click, a drag) and times until the
// frame that shows the result.

const PAINTED = 'clipshot:timeline-painted';

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

function byTestId(id) {
  const element = document.querySelector(`[data-testid="${id}"]`);
  if (!element) throw new Error(`no ${id} in the page`);
  return element;
}

/** Waits until a new 'clipshot:timeline-painted' mark (after `since`) and returns its time. */
async function paintedAfter(since, timeoutMs = 30000) {
  for (;;) {
    const mark = performance.getEntriesByName(PAINTED).find((entry) => entry.startTime > since);
    if (mark) return mark.startTime;
    if (performance.now() - since > timeoutMs) throw new Error('the timeline did not paint');
    await nextFrame();
  }
}

function cardsInRange(from, to) {
  const cards = [...document.querySelectorAll('[data-testid="clip-card"][data-clip-id] time')];
  return cards.length > 0 && cards.every((time) => {
    const at = Date.parse(time.getAttribute('datetime'));
    return at >= from && at < to;
  });
}

function mouse(target, type, x, y) {
  target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, button: 0, clientX: x, clientY: y }));
}

window.clipshotTimelineMeasures = {
  /** Shows the timeline (it must be hidden) and times from the click to the strip's first paint. */
  async open() {
    const started = performance.now();
    byTestId('timeline-toggle').click();
    return (await paintedAfter(started)) - started;
  },

  hide() {
    byTestId('timeline-hide').click();
  },

  /** Clicks a zoom button and times until the strip is painted with the new counts. */
  async zoom(direction) {
    const button = byTestId(direction === 'in' ? 'timeline-zoom-in' : 'timeline-zoom-out');
    if (button.disabled) return null;
    const started = performance.now();
    button.click();
    const painted = await paintedAfter(started);
    return { ms: painted - started, bucket: byTestId('timeline-chart').dataset.bucket };
  },

  /** Drags across the strip from one fraction of its width to another; times from the release until the grid shows only clips of that range. */
  async brush(fromFraction, toFraction) {
    const chart = byTestId('timeline-chart');
    const rect = chart.getBoundingClientRect();
    const y = rect.top + 20;
    mouse(chart, 'mousedown', rect.left + rect.width * fromFraction, y);
    mouse(window, 'mousemove', rect.left + rect.width * ((fromFraction + toFraction) / 2), y);
    mouse(window, 'mousemove', rect.left + rect.width * toFraction, y);
    const started = performance.now();
    mouse(window, 'mouseup', rect.left + rect.width * toFraction, y);
    for (;;) {
      await nextFrame();
      const chip = document.querySelector('[data-testid="date-range-chip"]');
      if (chip && cardsInRange(Number(chip.dataset.from), Number(chip.dataset.to))) break;
      if (performance.now() - started > 30000) throw new Error('the grid did not follow the brush');
    }
    const elapsed = performance.now() - started;
    const cards = Number(document.querySelector('[data-testid="clip-card"]').getAttribute('aria-setsize'));
    return { ms: elapsed, clips: cards };
  },

  /** Clears the brushed range and waits until the whole list is back. */
  async clearBrush(total) {
    byTestId('date-range-clear').click();
    for (;;) {
      await nextFrame();
      const first = document.querySelector('[data-testid="clip-card"][data-clip-id]');
      if (first && Number(first.getAttribute('aria-setsize')) === total) return;
    }
  },
};
