// Which cards of the virtualised grid a dragged rectangle touches, by arithmetic on the grid's
// fixed geometry (most cards have no DOM element to ask).

/** The grid as VirtualGrid lays it out; lengths in CSS pixels. */
export interface GridGeometry {
  count: number;
  columns: number;
  /** The scroller's inner width. */
  width: number;
  padding: number;
  gap: number;
  /** A card's height plus the gap below it. */
  rowHeight: number;
}

/** A rectangle in the grid's content coordinates (0,0 is the top left of the scrolled content). */
export interface Band {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The rectangle between two points, whichever way it was dragged. */
export function bandBetween(a: { x: number; y: number }, b: { x: number; y: number }): Band {
  return { left: Math.min(a.x, b.x), top: Math.min(a.y, b.y), right: Math.max(a.x, b.x), bottom: Math.max(a.y, b.y) };
}

/** The indexes of every card the band overlaps (touching counts), in order. */
export function indexesInBand(band: Band, grid: GridGeometry): number[] {
  const columnWidth = (grid.width - 2 * grid.padding - (grid.columns - 1) * grid.gap) / grid.columns;
  const cardHeight = grid.rowHeight - grid.gap;
  const rows = Math.ceil(grid.count / grid.columns);
  const firstRow = Math.max(0, Math.floor((band.top - grid.padding) / grid.rowHeight));
  const lastRow = Math.min(rows - 1, Math.floor((band.bottom - grid.padding) / grid.rowHeight));
  const columnsTouched: number[] = [];
  for (let column = 0; column < grid.columns; column++) {
    const left = grid.padding + column * (columnWidth + grid.gap);
    if (band.right >= left && band.left <= left + columnWidth) columnsTouched.push(column);
  }
  const indexes: number[] = [];
  for (let row = firstRow; row <= lastRow; row++) {
    const top = grid.padding + row * grid.rowHeight;
    // The band may lie wholly in the gap below this row's cards.
    if (band.bottom < top || band.top > top + cardHeight) continue;
    for (const column of columnsTouched) {
      const index = row * grid.columns + column;
      if (index < grid.count) indexes.push(index);
    }
  }
  return indexes;
}

/** Pixels per frame to scroll while the pointer is within `edge` px of the top or bottom (negative: up), faster the closer. */
export function autoScrollStep(pointerY: number, viewTop: number, viewBottom: number, edge = 40, maxStep = 24): number {
  if (pointerY < viewTop + edge) return -Math.ceil(maxStep * Math.min(1, (viewTop + edge - pointerY) / edge));
  if (pointerY > viewBottom - edge) return Math.ceil(maxStep * Math.min(1, (pointerY - (viewBottom - edge)) / edge));
  return 0;
}
