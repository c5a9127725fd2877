/**
 * The ticket list, virtualised: a spacer as tall as every row, and only the rows in view (plus
 * an overscan) positioned inside it, in a fixed set of slots. Scrolling moves the window and
 * asks the page cache for the pages it needs; the slots whose row changed re-render
 * themselves, and the list itself re-renders only when the number of slots or what every row
 * depends on changes (see `RowSlot`).
 */

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { listScroll, selectRange, setCursor, toggleSelect } from "../app/inbox";
import { markListPainted } from "../app/marks";
import { cursor, cursorMoved, info, list, now, PAGE_SIZE, ROW_HEIGHT, rowsVersion, scrollRequest, selected } from "../app/state";
import { openTicket } from "../app/ticket";
import { RowSlot, type SlotView } from "./RowView";
import { pagesOf, revealRow, rowWindow } from "./window";

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
  const view = useRef<SlotView>({ start: 0, count: 0 }).current;
  const slots = useRef(new Set<RowSlot>()).current;
  const wantedFor = useRef<unknown>(null);
  const [, setCount] = useState(0);
  const painted = useRef<unknown>(null);

  // Reads the list from its signal, not from this render: the resize observer keeps the
  // function of the render that made it.
  const measure = () => {
    const el = ref.current;
    const top = el?.scrollTop ?? 0;
    const height = viewportHeight(el);
    listScroll.top = top;
    listScroll.height = height;
    const open = list.value;
    const next = rowWindow({ scrollTop: top, height, rowHeight: ROW_HEIGHT, total: open?.info.total ?? 0, overscan: OVERSCAN });
    const count = next.end - next.start;
    if (next.start === view.start && count === view.count && wantedFor.current === open) return;
    wantedFor.current = open;
    open?.cache.want(pagesOf(next, PAGE_SIZE));
    const resized = count !== view.count;
    view.start = next.start;
    view.count = count;
    if (resized) setCount(count);
    else for (const slot of slots) slot.follow();
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

  // The first rows of this list are on screen: tell the benchmark (after the browser paints).
  const firstShown = !!l && (total === 0 || l.cache.get(view.start) !== undefined) && view.start + view.count >= Math.min(total, 1);
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

  // Keyed by slot, not by index: scrolling refills the same elements instead of creating new
  // ones. The window may have moved since the last render; the slots follow it, not a copy.
  const rows = [];
  for (let k = 0; k < Math.min(view.count, total); k++) {
    rows.push(
      <RowSlot
        key={k}
        slot={k}
        view={view}
        slots={slots}
        cache={l?.cache}
        rowHeight={ROW_HEIGHT}
        cursor={cur}
        selected={sel}
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
