/**
 * The ticket list, virtualised: a spacer as tall as every row, and only the rows in view (plus
 * an overscan) positioned inside it. It re-renders when the window of rows changes, not on
 * every scroll event, and asks the page cache for the pages the window needs.
 */

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { listScroll, selectRange, setCursor, toggleSelect } from "../app/inbox";
import { markListPainted } from "../app/marks";
import { cursor, cursorMoved, info, list, now, PAGE_SIZE, ROW_HEIGHT, rowsVersion, scrollRequest, selected } from "../app/state";
import { openTicket } from "../app/ticket";
import { RowSlot } from "./RowView";
import { pagesOf, revealRow, rowWindow, type RowWindow } from "./window";

const OVERSCAN = 8;

/** The list's height; before layout (or without one, in tests) the window's. */
function viewportHeight(el: HTMLElement | null): number {
  return el?.clientHeight || window.innerHeight || 800;
}

export function TicketList() {
  const l = list.value;
  void rowsVersion.value;
  const cur = cursor.value;
  const sel = selected.value;
  const me = info.value?.me;
  const nowMs = now.value;
  const total = l?.info.total ?? 0;
  const ref = useRef<HTMLDivElement>(null);
  const [win, setWin] = useState<RowWindow>({ start: 0, end: 0 });
  const painted = useRef<unknown>(null);

  const measure = () => {
    const el = ref.current;
    const top = el?.scrollTop ?? 0;
    const height = viewportHeight(el);
    listScroll.top = top;
    listScroll.height = height;
    const next = rowWindow({ scrollTop: top, height, rowHeight: ROW_HEIGHT, total, overscan: OVERSCAN });
    setWin((w) => (w.start === next.start && w.end === next.end ? w : next));
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
    const top = revealRow(cur, ROW_HEIGHT, el.scrollTop, height);
    if (top !== el.scrollTop) {
      el.scrollTop = top;
      measure();
    }
  }, [cursorMoved.value]);

  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(el);
    return () => ro.disconnect();
  }, [total]);

  useEffect(() => {
    l?.cache.want(pagesOf(win, PAGE_SIZE));
  }, [l, win.start, win.end]);

  // The first rows of this list are on screen: tell the benchmark (after the browser paints).
  const firstShown = !!l && (total === 0 || l.cache.get(win.start) !== undefined) && win.end >= Math.min(total, 1);
  useEffect(() => {
    if (l && firstShown && painted.current !== l) {
      painted.current = l;
      const query = l.source.by === "query";
      requestAnimationFrame(() => markListPainted(query));
    }
  });

  const onClick = useCallback((index: number, e: MouseEvent) => {
    if (e.shiftKey) selectRange(index);
    else if (e.ctrlKey || e.metaKey) {
      setCursor(index);
      toggleSelect(index);
    } else {
      setCursor(index);
      const row = list.value?.cache.get(index);
      if (row) void openTicket(row.id);
    }
  }, []);

  // Keyed by slot, not by index: the window's rows always use the same set of keys, so
  // scrolling moves and refills existing elements instead of creating new ones.
  const end = Math.min(win.end, total);
  const slots = Math.max(1, end - win.start);
  const rows = [];
  for (let i = win.start; i < end; i++) {
    const row = l?.cache.get(i);
    rows.push(
      <RowSlot
        key={i % slots}
        index={i}
        top={i * ROW_HEIGHT}
        row={row}
        current={i === cur}
        selected={!!row && sel.has(row.id)}
        now={nowMs}
        me={me}
        onClick={onClick}
      />,
    );
  }

  return (
    <div
      id="ticket-list"
      ref={ref}
      role="listbox"
      aria-label="Tickets"
      aria-multiselectable="true"
      aria-activedescendant={rows.length ? "row-current" : undefined}
      tabIndex={0}
      onScroll={measure}
    >
      <div class="spacer" style={{ height: `${total * ROW_HEIGHT}px` }}>
        {rows}
      </div>
      {l && total === 0 && (
        <p class="empty" id="list-empty">
          {l.source.by === "query" ? "No tickets match this search." : "Nothing here. Inbox zero."}
        </p>
      )}
    </div>
  );
}
