// The grid behind the library: however many clips, only the rows in view are in the DOM.
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { defineComponent, h, nextTick, type PropType } from 'vue';
import VirtualGrid from '../../../renderer/src/components/VirtualGrid.vue';
import { giveGridViewport } from './mount-library.js';

const ROW_HEIGHT = 200;
const PADDING = 16;
let restoreViewport: () => void;
let wrapper: VueWrapper | null = null;

beforeEach(() => {
  // 4 columns of at least 180 px (with 12 px gaps and 16 px padding) and 3 rows in view.
  restoreViewport = giveGridViewport(800, 600);
});

afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  restoreViewport();
});

function mountGrid(props: { count: number; activeIndex?: number | null }) {
  const ranges: [number, number][] = [];
  const layouts: { columns: number; rowsInView: number }[] = [];
  const Host = defineComponent({
    props: { count: { type: Number, required: true }, activeIndex: { type: [Number, null] as PropType<number | null>, default: null } },
    setup: (hostProps) => () =>
      h(
        VirtualGrid,
        {
          count: hostProps.count,
          rowHeight: ROW_HEIGHT,
          minColumnWidth: 180,
          activeIndex: hostProps.activeIndex,
          itemId: (index: number) => `item-${index}`,
          onRange: (first: number, last: number) => ranges.push([first, last]),
          onLayout: (layout: { columns: number; rowsInView: number }) => layouts.push(layout),
        },
        { item: ({ index }: { index: number }) => h('div', { class: 'item', id: `item-${index}`, 'data-index': index }, `clip ${index}`) },
      ),
  });
  wrapper = mount(Host, { props, attachTo: document.body });
  return { wrapper, ranges, layouts };
}

/** The indexes in the DOM, in order (rows sit in the DOM in the order of their reused slots). */
const renderedIndexes = (view: VueWrapper) => view.findAll('.item').map((item) => Number(item.attributes('data-index'))).sort((a, b) => a - b);

async function scrollTo(view: VueWrapper, top: number): Promise<void> {
  const scroller = view.get('.virtual-grid').element as HTMLElement;
  scroller.scrollTop = top;
  scroller.dispatchEvent(new Event('scroll'));
  await nextTick();
}

describe('VirtualGrid', () => {
  test('100,000 items: the DOM holds only the rows in view plus a little overscan', async () => {
    const { wrapper: view, layouts } = mountGrid({ count: 100_000 });
    await nextTick();
    expect(layouts.at(-1)).toEqual({ columns: 4, rowsInView: 3 });
    // Rows 0-2 are in view (row 2 partly), with 2 rows of overscan below: 5 rows of 4.
    expect(renderedIndexes(view)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    const spacer = view.get('.spacer').element as HTMLElement;
    expect(spacer.style.height).toBe(`${(100_000 / 4) * ROW_HEIGHT + 2 * PADDING}px`);
  });

  test('scrolling deep into the list renders those rows instead, never more', async () => {
    const { wrapper: view, ranges } = mountGrid({ count: 100_000 });
    // Row 5,000 at the top of the view.
    await scrollTo(view, PADDING + 5_000 * ROW_HEIGHT);
    const indexes = renderedIndexes(view);
    expect(indexes.length).toBeLessThanOrEqual(40);
    expect(indexes[0]).toBe((5_000 - 2) * 4);
    expect(ranges.at(-1)?.[0]).toBe((5_000 - 2) * 4);

    await scrollTo(view, 25_000 * ROW_HEIGHT);
    const atEnd = renderedIndexes(view);
    expect(atEnd.at(-1)).toBe(99_999);
    expect(atEnd.length).toBeLessThanOrEqual(40);
    expect(ranges.at(-1)?.[1]).toBe(99_999);
  });

  test('scrolling reuses the rows and items already in the DOM instead of making new ones', async () => {
    const { wrapper: view } = mountGrid({ count: 100_000 });
    await scrollTo(view, PADDING + 100 * ROW_HEIGHT);
    const before = new Set(view.findAll('.item').map((item) => item.element));
    await scrollTo(view, PADDING + 103 * ROW_HEIGHT);
    const after = view.findAll('.item').map((item) => item.element);
    expect(renderedIndexes(view)[0]).toBe((103 - 2) * 4);
    expect(after).toHaveLength(before.size);
    expect(after.filter((element) => !before.has(element))).toEqual([]);
  });

  test('the last row holds only the items that exist', async () => {
    const { wrapper: view } = mountGrid({ count: 10 });
    await nextTick();
    expect(renderedIndexes(view)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(view.findAll('.row').map((row) => row.findAll('.item').length)).toEqual([4, 4, 2]);
  });

  test('a selection far away scrolls into view and becomes the active descendant', async () => {
    const { wrapper: view } = mountGrid({ count: 100_000 });
    await nextTick();
    expect(view.get('.virtual-grid').attributes('aria-activedescendant')).toBeUndefined();

    await view.setProps({ activeIndex: 40_001 });
    await nextTick();
    const scroller = view.get('.virtual-grid').element as HTMLElement;
    const row = Math.floor(40_001 / 4);
    // The row's bottom edge is at the bottom of the view.
    expect(scroller.scrollTop).toBe(PADDING + (row + 1) * ROW_HEIGHT - 600 + PADDING);
    expect(renderedIndexes(view)).toContain(40_001);
    expect(view.get('.virtual-grid').attributes('aria-activedescendant')).toBe('item-40001');

    await view.setProps({ activeIndex: 3 });
    await nextTick();
    expect(scroller.scrollTop).toBe(0);
    expect(view.get('.virtual-grid').attributes('aria-activedescendant')).toBe('item-3');
  });
});

describe('VirtualGrid while skimming', () => {
  test('a sustained fast scroll renders placeholders; a single jump does not; content returns when it slows', async () => {
    const Host = defineComponent({
      setup: () => () =>
        h(
          VirtualGrid,
          { count: 100_000, rowHeight: ROW_HEIGHT, minColumnWidth: 180 },
          {
            item: ({ index, skimming }: { index: number; skimming: boolean }) => h('div', { class: 'item', 'data-index': index, 'data-skimming': String(skimming) }),
          },
        ),
    });
    wrapper = mount(Host, { attachTo: document.body });
    const skimmingNow = () => wrapper?.findAll('.item').map((item) => item.attributes('data-skimming')) ?? [];

    await scrollTo(wrapper, PADDING + 1_000 * ROW_HEIGHT);
    expect(new Set(skimmingNow())).toEqual(new Set(['false']));
    await scrollTo(wrapper, PADDING + 1_003 * ROW_HEIGHT);
    expect(new Set(skimmingNow())).toEqual(new Set(['true']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await nextTick();
    expect(new Set(skimmingNow())).toEqual(new Set(['false']));
  });
});
