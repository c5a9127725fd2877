/**
 * The ticket list, virtualised: a spacer as tall as every row, and only the rows in view (plus
 * an overscan) positioned inside it, in a fixed set of slots. The slots' elements are written
 * directly (`RowPool`), not rendered: a scroll moves the window, asks the page cache for the
 * pages it needs and refills the slots whose row changed, without a render. The list renders
 * when what every row depends on changes (a page arrived, the cursor, the selection, the
 * clock) and then refills every slot, writing only what differs.
 */

import { useCallback, useEffect, useLayoutEffect, useRef } from "preact/hooks";
import { listScroll, selectRange, setCursor, toggleSelect } from "../app/inbox";
import { markListPainted } from "../app/marks";
import { cursor, cursorMoved, info, list, now, PAGE_SIZE, ROW_HEIGHT, rowsVersion, scrollRequest, selected } from "../app/state";
import { openTicket } from "../app/ticket";
import { type RowContext, RowPool, type SlotView } from "./rowDom";
import { pagesOf, revealRow, rowWindow } from "./window";

const OVERSCAN = 8;

/** The list's height; before layout (or without one, in tests) the window's. */
function viewportHeight(el: HTMLElement | null): number {
  return el?.clientHeight || window.innerHeight || 800;
}

/** What the rows depend on now, read from the app's state (not from a render). */
function rowContext(): RowContext {
  const cache = list.peek()?.cache;
  return {
    row: (i) => cache?.get(i),
    rowHeight: ROW_HEIGHT,
    cursor: cursor.peek(),
    selected: selected.peek(),
    now: now.peek(),
    me: info.peek()?.me,
  };
}

export function TicketList() {
  const l = list.value;
  // Subscribes this list to what its rows show; the rows read it from the state.
  void rowsVersion.value;
  void cursor.value;
  void selected.value;
  void info.value;
  void now.value;
  const total = l?.info.total ?? 0;
  const ref = useRef<HTMLDivElement>(null);
  const spacer = useRef<HTMLDivElement>(null);
  const view = useRef<SlotView>({ start: 0, count: 0 }).current;
  const pool = useRef<RowPool | null>(null);
  const wantedFor = useRef<unknown>(null);
  const painted = useRef<unknown>(null);

  const fill = () => {
    if (!spacer.current) return;
    pool.current ??= new RowPool(spacer.current);
    pool.current.show(view, list.peek()?.info.total ?? 0, rowContext());
  };

  // Reads the list from its signal, not from this render: the resize observer keeps the
  // function of the render that made it.
  const measure = () => {
    const el = ref.current;
    const top = el?.scrollTop ?? 0;
    const height = viewportHeight(el);
    listScroll.top = top;
    listScroll.height = height;
    const open = list.peek();
    const next = rowWindow({ scrollTop: top, height, rowHeight: ROW_HEIGHT, total: open?.info.total ?? 0, overscan: OVERSCAN });
    const count = next.end - next.start;
    if (next.start === view.start && count === view.count && wantedFor.current === open) return;
    wantedFor.current = open;
    open?.cache.want(pagesOf(next, PAGE_SIZE));
    view.start = next.start;
    view.count = count;
    fill();
  };

  // A new list, a new length, or a requested scroll position (a reopened list keeps its place).
  const request = scrollRequest.value;
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && request) {
      el.scrollTop = request.top;
      scrollRequest.value = null;
    }
    measure();
  }, [l, total, request]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || total === 0) return;
    const height = viewportHeight(el);
    const top = revealRow(cursor.peek(), ROW_HEIGHT, el.scrollTop, height);
    if (top !== el.scrollTop) {
      el.scrollTop = top;
      measure();
    }
  }, [cursorMoved.value]);

  // Every render: a page arrived, or the cursor, selection or clock moved.
  useLayoutEffect(fill);

  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(el);
    return () => ro.disconnect();
  }, [total]);

  // The first rows of this list are on screen: tell the benchmark (after the browser paints).
  useEffect(() => {
    const shown = !!l && (total === 0 || l.cache.get(view.start) !== undefined) && view.start + view.count >= Math.min(total, 1);
    if (l && shown && painted.current !== l) {
      painted.current = l;
      const query = l.source.by === "query";
      requestAnimationFrame(() => markListPainted(query));
    }
  });

  // One listener for every row: a row's index is on its element.
  const onClick = useCallback((e: MouseEvent) => {
    const el = (e.target as Element | null)?.closest<HTMLElement>(".row");
    if (!el || el.classList.contains("placeholder")) return;
    const index = Number(el.dataset.index);
    if (e.shiftKey) selectRange(index);
    else if (e.ctrlKey || e.metaKey) {
      setCursor(index);
      toggleSelect(index);
    } else {
      setCursor(index);
      const row = list.peek()?.cache.get(index);
      if (row) void openTicket(row.id);
    }
  }, []);

  return (
    <div
      id="ticket-list"
      ref={ref}
      role="listbox"
      aria-label="Tickets"
      aria-multiselectable="true"
      aria-activedescendant={total > 0 ? "row-current" : undefined}
      tabIndex={0}
      onScroll={measure}
      onClick={onClick}
    >
      {/* The rows inside are the pool's, never Preact's: this element has no children here. */}
      <div class="spacer" ref={spacer} style={{ height: `${total * ROW_HEIGHT}px` }} />
      {l && total === 0 && (
        <p class="empty" id="list-empty">
          {l.source.by === "query" ? "No tickets match this search." : "Nothing here. Inbox zero."}
        </p>
      )}
    </div>
  );
}
