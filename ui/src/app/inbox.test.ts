import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Row } from "../api/bindings";

/** The backend's list: `shift` new tickets ("n0", "n1" …) arrived above tickets t0, t1 … */
const backend = vi.hoisted(() => ({ total: 1000, shift: 0, handle: 0, calls: [] as string[] }));

function row(id: string): Row {
  return {
    id,
    full_id: `full-${id}`,
    subject: id,
    customer: null,
    customer_name: null,
    snippet: "",
    highlights: [],
    status: "open",
    kind: null,
    priority: null,
    impact: null,
    tags: [],
    assignee: id === "t7" ? "tom@acme.io" : null,
    created: "2026-11-20T10:00:00Z",
    last_activity: "2026-11-20T10:00:00Z",
    unread: false,
    has_attachments: false,
    messages: 1,
    not_a_ticket: false,
  };
}

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (command: string, args?: Record<string, unknown>) => {
    backend.calls.push(command);
    if (command === "list_open") {
      if ((args?.source as { query?: string }).query === "(") throw { kind: "usage", message: "unclosed (\n(\n^" };
      const total = backend.total + backend.shift;
      const first = Math.min(total, (args?.first as number) ?? 0);
      const rows = Array.from({ length: first }, (_, i) => row(i < backend.shift ? `n${i}` : `t${i - backend.shift}`));
      return { list: ++backend.handle, total, ranked: false, rows };
    }
    if (command === "list_rows") {
      const start = args?.start as number;
      const count = args?.count as number;
      const out: Row[] = [];
      for (let i = start; i < Math.min(start + count, backend.total + backend.shift); i++) {
        out.push(row(i < backend.shift ? `n${i}` : `t${i - backend.shift}`));
      }
      return out;
    }
    throw { kind: "internal", message: command };
  }),
}));

const inbox = await import("./inbox");
const state = await import("./state");
const { ROW_HEIGHT } = state;

const settle = () => new Promise((r) => setTimeout(r, 0));

/** Opens the Open view and loads the pages around `index`, with the cursor there. */
async function openAt(index: number, scrollTop: number) {
  backend.shift = 0;
  await inbox.openSource({ by: "view", view: "open" });
  const cache = state.list.value!.cache;
  cache.want([Math.floor(index / 100)]);
  await settle();
  inbox.setCursor(index);
  inbox.listScroll.top = scrollTop;
}

describe("reopening a list in place", () => {
  beforeEach(() => {
    state.selected.value = new Set();
  });

  it("keeps the current ticket, and its place on screen, when tickets arrive above", async () => {
    await openAt(500, 500 * ROW_HEIGHT - 200);
    expect(state.currentRow.value?.id).toBe("t500");
    backend.shift = 3;
    await inbox.refreshList();
    expect(state.cursor.value).toBe(503);
    expect(state.scrollRequest.value).toEqual({ top: 500 * ROW_HEIGHT - 200 + 3 * ROW_HEIGHT });
    expect(state.list.value?.info.total).toBe(1003);
    // The rows around are there at once: no placeholders flash on every refresh.
    expect(state.list.value?.cache.get(503)?.id).toBe("t500");
    expect(state.list.value?.cache.get(450)?.id).toBe("t447");
  });

  it("lets new tickets appear at the top when the list is scrolled to the top", async () => {
    await openAt(2, 0);
    backend.shift = 5;
    await inbox.refreshList();
    expect(state.cursor.value).toBe(7);
    expect(state.scrollRequest.value).toEqual({ top: 0 });
  });

  it("keeps the position when the current ticket left the list", async () => {
    await openAt(40, 1000);
    backend.total = 10;
    await inbox.refreshList();
    backend.total = 1000;
    expect(state.cursor.value).toBe(9);
  });

  it("keeps the selection on a live refresh but clears it on a new list", async () => {
    await openAt(3, 0);
    inbox.toggleSelect();
    inbox.extendSelection(1);
    expect([...state.selected.value].sort()).toEqual(["t3", "t4"]);
    await inbox.refreshList();
    expect(state.selected.value.size).toBe(2);
    await inbox.openSource({ by: "view", view: "mine" });
    expect(state.selected.value.size).toBe(0);
  });

  it("shows a query's syntax error under the box instead of replacing the list", async () => {
    await openAt(0, 0);
    const before = state.list.value;
    await inbox.openSource({ by: "query", query: "(" });
    expect(state.searchError.value).toBe("unclosed (\n(\n^");
    expect(state.list.value).toBe(before);
  });

  it("shows a new list's first screenful with the list, without asking for its rows", async () => {
    backend.shift = 0;
    backend.calls = [];
    await inbox.openSource({ by: "query", query: "invoice" });
    expect(backend.calls).toEqual(["list_open"]);
    const cache = state.list.value!.cache;
    expect(cache.get(0)?.id).toBe("t0");
    const screen = Math.ceil((inbox.listScroll.height || 800) / ROW_HEIGHT);
    expect(cache.get(screen - 1)?.id).toBe(`t${screen - 1}`);
    // The rest of the first page is still fetched when the list wants it.
    cache.want([0]);
    await settle();
    expect(backend.calls).toEqual(["list_open", "list_rows"]);
    expect(cache.get(99)?.id).toBe("t99");
  });

  it("remembers assignees seen in rows for suggestions", async () => {
    await openAt(0, 0);
    expect(state.knownAssignees.value.has("tom@acme.io")).toBe(true);
  });
});
