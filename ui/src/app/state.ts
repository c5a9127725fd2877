/**
 * The app's state as signals: components read `.value` and re-render when it changes. Only the
 * modules in app/ write to them (through the functions in inbox.ts, ticket.ts …).
 */

import { computed, signal } from "@preact/signals";
import type { AppInfo, CommandError, ListInfo, ListSource, Row, Sidebar, TicketPage } from "../api/bindings";
import type { PageCache } from "../list/pages";

export const ROW_HEIGHT = 56;
export const PAGE_SIZE = 100;

export const info = signal<AppInfo | null>(null);
export const sidebar = signal<Sidebar | null>(null);

/** What the list shows: a view, or the search box's query. */
export const source = signal<ListSource>({ by: "view", view: "open" });
/** The last view chosen, where Escape in the search goes back to. */
export const lastView = signal("open");

export interface OpenList {
  info: ListInfo;
  source: ListSource;
  cache: PageCache<Row>;
}

export const list = signal<OpenList | null>(null);
/** Bumped when rows arrive or change, so the list re-reads its cache. */
export const rowsVersion = signal(0);
/** The current row's index. */
export const cursor = signal(0);
/** Bumped when the person moves the cursor, so the list scrolls it into view (a reopened
 * list keeps its scroll position instead). */
export const cursorMoved = signal(0);
/** Selected tickets by id, and where a shift-range starts. */
export const selected = signal<ReadonlySet<string>>(new Set());
export const selectAnchor = signal<number | null>(null);
/** A scroll position the list should take (a reopened list keeps its place). */
export const scrollRequest = signal<{ top: number } | null>(null);

export const searchText = signal("");
export const searchError = signal<string | null>(null);

export interface OpenTicket {
  id: string;
  page: TicketPage | null;
  /** Focus this part once loaded ("note" for the n key). */
  focus?: "note";
}

export const ticket = signal<OpenTicket | null>(null);

/** Bumped by "show every message": the open conversation unfolds all it folded. */
export const unfoldAll = signal(0);

/** Ticks every 30 s so ages ("3 min") stay true. */
export const now = signal(Date.now());

export interface Toast {
  id: number;
  text: string;
  error?: CommandError;
}

export const toasts = signal<Toast[]>([]);

/** Assignees seen in rows, for suggestions. */
export const knownAssignees = signal<ReadonlySet<string>>(new Set());

export const currentRow = computed<Row | undefined>(() => {
  void rowsVersion.value;
  return list.value?.cache.get(cursor.value);
});
