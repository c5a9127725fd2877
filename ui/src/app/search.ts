/** The search box: instant results as the person types, saved searches. */

import * as api from "../api/commands";
import type { SavedSearch } from "../api/bindings";
import { prompt } from "../dialogs/state";
import { openSource } from "./inbox";
import { lastView, searchError, searchText, sidebar, source } from "./state";
import { showError, showInfo } from "./toast";

/**
 * Instant search without a fixed delay: a keystroke runs its query at once when none is in
 * flight; keystrokes that come while one runs are coalesced, and only the latest text runs next.
 * (A debounce would add its whole delay to every search; this adds none to the last one.)
 */
let running = false;
let queued: string | null = null;

export function typeSearch(text: string): void {
  searchText.value = text;
  if (running) {
    queued = text;
    return;
  }
  void drain(text);
}

async function drain(text: string): Promise<void> {
  running = true;
  try {
    let next: string | null = text;
    while (next !== null) {
      queued = null;
      await runSearch(next);
      next = queued;
    }
  } finally {
    running = false;
  }
}

export function runSearch(text: string): Promise<void> {
  const query = text.trim();
  if (!query) {
    searchError.value = null;
    return source.value.by === "query" ? openSource({ by: "view", view: lastView.value }) : Promise.resolve();
  }
  return openSource({ by: "query", query });
}

/** Escape in the search: empty it and go back to the view. */
export function clearSearch(): Promise<void> {
  queued = null;
  searchText.value = "";
  searchError.value = null;
  return source.value.by === "query" ? openSource({ by: "view", view: lastView.value }) : Promise.resolve();
}

export function searchFocused(): boolean {
  return document.activeElement?.id === "search";
}

export function focusSearch(): void {
  const box = document.getElementById("search") as HTMLInputElement | null;
  box?.focus();
  box?.select();
}

async function savePrefs(searches: SavedSearch[]): Promise<boolean> {
  const side = sidebar.value;
  if (!side) return false;
  try {
    const prefs = await api.prefsSet({ ...side.prefs, saved_searches: searches });
    if (sidebar.value) sidebar.value = { ...sidebar.value, prefs };
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

/** Asks for a name and keeps the current query in the sidebar. */
export function saveSearch(): void {
  const query = source.value.by === "query" ? source.value.query : searchText.value.trim();
  if (!query) {
    showError({ kind: "usage", message: "Type a search first, then save it." });
    return;
  }
  prompt({
    id: "prompt-save-search",
    title: "Save this search as",
    value: query,
    hint: query,
    submit: (name) => {
      const n = name.trim() || query;
      const others = (sidebar.value?.prefs.saved_searches ?? []).filter((s) => s.name !== n);
      void savePrefs([...others, { name: n, query }]).then((ok) => ok && showInfo(`Saved “${n}”`));
    },
  });
}

export function removeSavedSearch(name: string): void {
  const rest = (sidebar.value?.prefs.saved_searches ?? []).filter((s) => s.name !== name);
  void savePrefs(rest);
}

export function runSaved(s: SavedSearch): void {
  searchText.value = s.query;
  void runSearch(s.query);
}
