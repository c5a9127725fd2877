/**
 * The ticket list: opening a view or a query, keeping its place when it is reopened (after a
 * change, or when new mail arrives), the cursor and the selection.
 */

import { batch } from "@preact/signals";
import * as api from "../api/commands";
import type { ListSource, Row } from "../api/bindings";
import { toCommandError } from "../api/error";
import { PageCache } from "../list/pages";
import { reportsOpen } from "../reports/state";
import {
  cursor,
  cursorMoved,
  currentRow,
  knownAssignees,
  lastView,
  list,
  PAGE_SIZE,
  ROW_HEIGHT,
  rowsVersion,
  scrollRequest,
  searchError,
  searchText,
  selectAnchor,
  selected,
  sidebar,
  source,
} from "./state";
import { showError } from "./toast";

/** Where the list is scrolled; the list component keeps it current (no re-render needed). */
export const listScroll = { top: 0, height: 0 };

/** How far from its old place a kept ticket is looked for after a reopen. */
const KEEP_SEARCH = 100;

export async function loadSidebar(): Promise<void> {
  try {
    sidebar.value = await api.sidebar();
  } catch (error) {
    showError(error);
  }
}

function noteAssignees(rows: Row[]): void {
  const known = knownAssignees.value;
  const fresh = rows.map((r) => r.assignee).filter((a): a is string => !!a && !known.has(a));
  if (fresh.length) knownAssignees.value = new Set([...known, ...fresh]);
}

function makeCache(handle: number, total: number): PageCache<Row> {
  return new PageCache<Row>({
    total,
    pageSize: PAGE_SIZE,
    maxPages: 40,
    concurrency: 2,
    fetch: async (start, count) => {
      const rows = await api.listRows(handle, start, count);
      noteAssignees(rows);
      return rows;
    },
    onLoad: () => {
      rowsVersion.value++;
    },
    onError: (error) => {
      // The shell keeps a few lists; an old one may have been let go. Open it again.
      if (toCommandError(error).kind === "gone") void openSource(source.value, { keep: true });
      else showError(error);
    },
  });
}

let opening = 0;

/** The rows that fill the list's height, and the list's overscan below them. */
function screenful(): number {
  const height = listScroll.height || (typeof window === "undefined" ? 0 : window.innerHeight) || 800;
  return Math.min(PAGE_SIZE, Math.ceil(height / ROW_HEIGHT) + 8);
}

/**
 * Opens a list. With `keep`, the current ticket stays current (found again near where it
 * was) and the scroll position follows it, so tickets arriving above don't move the page
 * under the person's eyes; at the very top, new tickets simply appear.
 */
export async function openSource(src: ListSource, opts: { keep?: boolean } = {}): Promise<void> {
  const mine = ++opening;
  // Choosing a view or searching shows the list again (a refresh in place does not).
  if (!opts.keep) reportsOpen.value = false;
  const before = {
    list: list.value,
    index: cursor.value,
    id: currentRow.value?.id,
    scrollTop: listScroll.top,
  };
  let info;
  try {
    // A new list opens at its top: its first screenful comes with it.
    info = await api.listOpen(src, opts.keep ? 0 : screenful());
  } catch (error) {
    if (mine !== opening) return;
    if (src.by === "query" && toCommandError(error).kind === "usage") searchError.value = toCommandError(error).message;
    else showError(error);
    return;
  }
  if (mine !== opening) return;
  let index = 0;
  let top = 0;
  let near: { start: number; rows: Row[] } | null = null;
  if (opts.keep && before.list) {
    index = Math.max(0, Math.min(before.index, info.total - 1));
    top = before.scrollTop;
    if (before.id && info.total > 0) {
      // Whole pages around where the current ticket was (further down if tickets arrived).
      const grown = Math.max(0, info.total - before.list.info.total);
      const from = Math.floor(Math.max(0, before.index - KEEP_SEARCH) / PAGE_SIZE) * PAGE_SIZE;
      const past = Math.ceil((before.index + KEEP_SEARCH + grown + 1) / PAGE_SIZE) * PAGE_SIZE;
      const to = Math.min(info.total, from + 5 * PAGE_SIZE, past);
      try {
        const rows = await api.listRows(info.list, from, to - from);
        near = { start: from, rows };
        const at = rows.findIndex((r) => r.id === before.id);
        if (at >= 0) {
          index = from + at;
          top = before.scrollTop <= 0 ? 0 : Math.max(0, before.scrollTop + (index - before.index) * ROW_HEIGHT);
        }
      } catch (error) {
        showError(error);
      }
      if (mine !== opening) return;
    }
  }
  const cache = makeCache(info.list, info.total);
  if (info.rows?.length) {
    noteAssignees(info.rows);
    cache.seed(0, info.rows);
  }
  if (near) cache.seed(near.start, near.rows);
  before.list?.cache.close();
  batch(() => {
    list.value = { info, source: src, cache };
    source.value = src;
    cursor.value = index;
    if (src.by === "query") searchError.value = null;
    if (!opts.keep) {
      selected.value = new Set();
      selectAnchor.value = null;
    }
    scrollRequest.value = { top };
    rowsVersion.value++;
  });
}

export function chooseView(view: string): void {
  lastView.value = view;
  searchText.value = "";
  searchError.value = null;
  void openSource({ by: "view", view });
}

/** Reopens what is shown, in place (after a change, or when mail arrived). */
export function refreshList(): Promise<void> {
  return openSource(source.value, { keep: true });
}

export function total(): number {
  return list.value?.info.total ?? 0;
}

export function setCursor(index: number): void {
  const n = total();
  cursor.value = n === 0 ? 0 : Math.max(0, Math.min(n - 1, index));
  cursorMoved.value++;
}

export function moveCursor(delta: number): void {
  setCursor(cursor.value + delta);
}

export function rowAt(index: number): Row | undefined {
  return list.value?.cache.get(index);
}

function setSelected(ids: Iterable<string>): void {
  selected.value = new Set(ids);
}

/** x: the current row in or out of the selection. */
export function toggleSelect(index = cursor.value): void {
  const row = rowAt(index);
  if (!row) return;
  const next = new Set(selected.value);
  if (next.has(row.id)) next.delete(row.id);
  else next.add(row.id);
  setSelected(next);
  selectAnchor.value = index;
}

/** Shift J / Shift K: the current row and the next one in that direction join the selection. */
export function extendSelection(delta: number): void {
  const next = new Set(selected.value);
  const here = rowAt(cursor.value);
  if (here) next.add(here.id);
  moveCursor(delta);
  const there = rowAt(cursor.value);
  if (there) next.add(there.id);
  setSelected(next);
}

/** Shift-click: every loaded row from the anchor to here joins the selection. */
export function selectRange(to: number): void {
  const from = selectAnchor.value ?? cursor.value;
  const [a, b] = from <= to ? [from, to] : [to, from];
  const next = new Set(selected.value);
  for (const [, row] of list.value?.cache.range(a, b + 1) ?? []) next.add(row.id);
  setSelected(next);
  setCursor(to);
}

export function clearSelection(): void {
  selected.value = new Set();
  selectAnchor.value = null;
}

/** Rows edited elsewhere replace their old selves in the cache. */
export function replaceRows(rows: Row[]): void {
  const cache = list.value?.cache;
  if (!cache || rows.length === 0) return;
  const byId = new Map(rows.map((r) => [r.full_id, r]));
  if (cache.update((r) => byId.get(r.full_id))) rowsVersion.value++;
}

/** The open ticket's row is read now. */
export function markRead(id: string): void {
  const cache = list.value?.cache;
  if (cache?.update((r) => (r.id === id && r.unread ? { ...r, unread: false } : undefined))) rowsVersion.value++;
}

