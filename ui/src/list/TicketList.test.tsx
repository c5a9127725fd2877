// @vitest-environment happy-dom
import { Component, options, render, type VNode } from "preact";
import { act } from "preact/test-utils";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Row } from "../api/bindings";

const TOTAL = 100_000;

function row(i: number): Row {
  return {
    id: `t${i}`,
    full_id: `full-${i}`,
    subject: `Subject ${i}`,
    customer: `c${i}@example.com`,
    customer_name: i % 2 ? `Customer ${i}` : null,
    snippet: `Snippet ${i}`,
    highlights: [],
    status: "open",
    kind: i % 3 === 0 ? "bug" : null,
    priority: null,
    impact: null,
    tags: [],
    assignee: null,
    created: "2026-11-20T10:00:00Z",
    last_activity: "2026-11-23T10:00:00Z",
    unread: i % 5 === 0,
    has_attachments: false,
    messages: 1,
    not_a_ticket: false,
  };
}

const invoke = vi.hoisted(() =>
  vi.fn(async (command: string, args?: Record<string, unknown>): Promise<unknown> => {
    switch (command) {
      case "list_open":
        return { list: 7, total: TOTAL, ranked: false };
      case "list_rows": {
        const start = args?.start as number;
        const count = args?.count as number;
        return Array.from({ length: Math.min(count, TOTAL - start) }, (_, k) => row(start + k));
      }
      default:
        throw { kind: "internal", message: `unexpected command ${command}` };
    }
  }),
);

vi.mock("@tauri-apps/api/core", () => ({ invoke }));

const { openSource } = await import("../app/inbox");
const { TicketList } = await import("./TicketList");
const { ROW_HEIGHT } = await import("../app/state");

/** Lets fetches answer and Preact re-render. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  }
}

/**
 * The path (property names) from any of `from` to any object in `targets`, following what a
 * collector would: objects, arrays, components, Map and Set entries, and the properties a
 * framework stores on DOM nodes. Null when none is reachable.
 */
function pathTo(from: object[], targets: WeakSet<object>, limit = 500_000): string | null {
  const seen = new Set<unknown>(from);
  const queue: Array<[object, string]> = from.map((o, i) => [o, `from[${i}]`]);
  for (let at = 0; at < queue.length && seen.size < limit; at++) {
    const [o, path] = queue[at]!;
    if (targets.has(o)) return path;
    const isNode = o instanceof window.Node;
    const proto = Object.getPrototypeOf(o);
    const walk = isNode || Array.isArray(o) || proto === Object.prototype || proto === null || o instanceof Component;
    const entries: Array<[string, unknown]> =
      o instanceof Map || o instanceof Set
        ? [...o.values()].map((v, i) => [`<${i}>`, v])
        : walk
          ? (isNode ? Object.keys(o) : Object.getOwnPropertyNames(o)).map((k) => [k, (o as Record<string, unknown>)[k]])
          : [];
    for (const [k, v] of entries) {
      if (v && typeof v === "object" && !seen.has(v)) {
        seen.add(v);
        queue.push([v, `${path}.${k}`]);
      }
    }
  }
  return null;
}

const rowsCalls = () => invoke.mock.calls.filter(([c]) => c === "list_rows").map(([, a]) => a as { start: number; count: number });

describe("ticket list with 100,000 tickets", () => {
  const root = document.createElement("div");
  root.style.height = "600px";

  beforeAll(async () => {
    document.body.append(root);
    await openSource({ by: "view", view: "open" });
    await act(() => {
      render(<TicketList />, root);
    });
    await settle();
  });

  afterAll(() => {
    render(null, root);
  });

  it("keeps only a window of rows in the DOM over a full-height spacer", () => {
    const spacer = root.querySelector<HTMLElement>("#ticket-list .spacer");
    expect(spacer?.style.height).toBe(`${TOTAL * ROW_HEIGHT}px`);
    const rows = root.querySelectorAll(".row");
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(root.querySelector('.row[data-id="t0"]')).not.toBeNull();
    expect(root.querySelector('.row[data-id="t500"]')).toBeNull();
    expect(root.querySelector(".row.current")?.getAttribute("data-id")).toBe("t0");
  });

  it("fetched one page, not the whole list", () => {
    expect(rowsCalls()).toEqual([{ list: 7, start: 0, count: 100 }]);
  });

  it("shows another window after a scroll and fetches only its page", async () => {
    const list = root.querySelector<HTMLElement>("#ticket-list")!;
    list.scrollTop = 50_000 * ROW_HEIGHT;
    await act(() => {
      list.dispatchEvent(new Event("scroll"));
    });
    // The page is on its way: placeholders hold the places.
    expect(root.querySelectorAll(".row.placeholder").length).toBeGreaterThan(0);
    await settle();
    expect(root.querySelector('.row[data-id="t50000"]')).not.toBeNull();
    expect(root.querySelector('.row[data-id="t0"]')).toBeNull();
    expect(root.querySelectorAll(".row").length).toBeLessThan(60);
    const starts = rowsCalls().map((c) => c.start);
    expect(starts).toContain(49_900);
    expect(starts).toContain(50_000);
    expect(starts.length).toBeLessThanOrEqual(3);
  });

  it("refills the same elements while scrolling, through placeholders and rows that differ", async () => {
    const list = root.querySelector<HTMLElement>("#ticket-list")!;
    const before = new Set(root.querySelectorAll("#ticket-list *"));
    // Kinds, names and unread marks differ from row to row; a far jump passes through
    // placeholders before the page arrives.
    for (const row of [50_003, 50_011, 70_000]) {
      list.scrollTop = row * ROW_HEIGHT;
      await act(() => {
        list.dispatchEvent(new Event("scroll"));
      });
      await settle();
    }
    expect(root.querySelector('.row[data-id="t70000"]')).not.toBeNull();
    const after = [...root.querySelectorAll("#ticket-list *")];
    expect(after.filter((el) => !before.has(el)).map((el) => el.outerHTML)).toEqual([]);
    // What a row does not have is hidden, not missing: t70000 has no kind, t70002 is a bug.
    expect(root.querySelector('.row[data-id="t70000"] .badge.kind')?.hasAttribute("hidden")).toBe(true);
    expect(root.querySelector('.row[data-id="t70002"] .badge.kind')?.textContent).toBe("bug");
  });

  it("selects with Ctrl and Shift clicks on any part of a row, and shows the selection", async () => {
    const rows = () => [...root.querySelectorAll<HTMLElement>("#ticket-list .row:not(.placeholder)")].sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
    const [first, , third] = rows().slice(10);
    const click = async (target: Element, init: MouseEventInit) => {
      await act(() => {
        target.dispatchEvent(new MouseEvent("click", { bubbles: true, ...init }));
      });
    };
    // On the subject, not the row itself: one listener on the list finds the row.
    await click(first!.querySelector(".subject")!, { ctrlKey: true });
    expect(first!.classList.contains("selected")).toBe(true);
    expect(first!.classList.contains("current")).toBe(true);
    expect(first!.id).toBe("row-current");
    await click(third!.querySelector(".age")!, { shiftKey: true });
    const chosen = rows().filter((r) => r.classList.contains("selected")).map((r) => r.dataset.id);
    const i = Number(first!.dataset.index);
    expect(chosen).toEqual([`t${i}`, `t${i + 1}`, `t${i + 2}`]);
    expect(third!.classList.contains("current")).toBe(true);
    expect(first!.classList.contains("current")).toBe(false);
    // Clearing the selection unmarks the rows, with no scroll in between.
    const { clearSelection } = await import("../app/inbox");
    await act(() => clearSelection());
    expect(rows().some((r) => r.classList.contains("selected"))).toBe(false);
  });

  it("renders nothing while scrolling, and leaves no later render reachable from an earlier one", async () => {
    // Rows are refilled in place: a scroll within fetched pages makes no vnode at all, and
    // the list renders only when a page arrives. WebKit's collector also keeps what a stale
    // pointer on the stack points at, and whatever that reaches: if a render's objects reached
    // the renders after it, one such pointer would keep every render of a long scroll alive.
    // So nothing made in the middle of a scroll may be reachable from what was made early.
    // Small steps, as a person scrolls: most rows stay.
    const list = root.querySelector<HTMLElement>("#ticket-list")!;
    const early: VNode[] = [];
    const middle = new WeakSet<object>();
    let made = 0;
    let phase = "";
    const before = options.vnode;
    options.vnode = (v) => {
      made++;
      if (phase === "early") early.push(v);
      else if (phase === "middle") middle.add(v);
      before?.(v);
    };
    const scrollTo = async (row: number) => {
      list.scrollTop = row * ROW_HEIGHT;
      await act(() => {
        list.dispatchEvent(new Event("scroll"));
      });
      await settle();
    };
    let row = 20_000;
    let quiet = 0;
    let fetching = 0;
    try {
      await scrollTo(row);
      for (let step = 1; step <= 60; step++) {
        row += 9;
        phase = step <= 15 ? "early" : step >= 30 && step < 45 ? "middle" : "";
        const [vnodes, fetches] = [made, rowsCalls().length];
        await scrollTo(row);
        if (rowsCalls().length === fetches) {
          quiet++;
          expect(made - vnodes, `vnodes made by step ${step}, which fetched nothing`).toBe(0);
        } else {
          fetching++;
          expect(made - vnodes, `vnodes made by step ${step}, whose page arrived`).toBeGreaterThan(0);
        }
      }
      phase = "";
    } finally {
      options.vnode = before;
    }
    expect(quiet).toBeGreaterThan(30);
    expect(fetching).toBeGreaterThan(2);
    expect(early.length).toBeGreaterThan(0);
    expect(pathTo(early, middle)).toBeNull();
    // The slots refilled on the way show the rows of the window, each once.
    const shown = [...root.querySelectorAll<HTMLElement>("#ticket-list .row")].map((r) => [Number(r.dataset.index), r.dataset.id]);
    const indexes = shown.map(([i]) => i as number).sort((a, b) => a - b);
    expect(indexes[0]).toBeLessThanOrEqual(row);
    expect(indexes.at(-1)).toBeGreaterThan(row);
    expect(indexes).toEqual(indexes.map((_, k) => indexes[0]! + k));
    expect(shown.every(([i, id]) => id === `t${i}`)).toBe(true);
  });
});
