/**
 * Which rows of a fixed-row-height list are in the DOM: the visible ones plus an overscan on
 * each side, so a 100,000-row list keeps a few dozen elements.
 */

export interface Viewport {
  scrollTop: number;
  height: number;
  rowHeight: number;
  total: number;
  overscan: number;
}

/** Rows `start` (inclusive) to `end` (exclusive). */
export interface RowWindow {
  start: number;
  end: number;
}

export function rowWindow(v: Viewport): RowWindow {
  if (v.total <= 0 || v.rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, v.scrollTop);
  const first = Math.min(v.total - 1, Math.floor(top / v.rowHeight));
  const visible = Math.ceil(Math.max(0, v.height) / v.rowHeight) + 1;
  const start = Math.max(0, first - v.overscan);
  const end = Math.min(v.total, first + visible + v.overscan);
  return { start, end };
}

/**
 * The scrollTop that brings row `index` fully into view while moving as little as possible
 * (unchanged when it is already visible).
 */
export function revealRow(index: number, rowHeight: number, scrollTop: number, height: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  // A row taller than the viewport shows its top.
  if (bottom > scrollTop + height) return Math.max(0, Math.min(top, bottom - height));
  return scrollTop;
}

/** The pages (of `pageSize` rows) a window touches. */
export function pagesOf(w: RowWindow, pageSize: number): number[] {
  if (w.end <= w.start) return [];
  const out: number[] = [];
  for (let p = Math.floor(w.start / pageSize); p <= Math.floor((w.end - 1) / pageSize); p++) out.push(p);
  return out;
}
