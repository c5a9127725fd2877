// @vitest-environment happy-dom
import { describe, expect, it } from "vitest";
import type { Row } from "../api/bindings";
import { type RowContext, RowDom, RowPool, slotIndex } from "./rowDom";

const NOW = Date.parse("2026-11-23T12:00:00Z");

function row(over: Partial<Row> = {}): Row {
  return {
    id: "t1",
    full_id: "full-1",
    subject: "Export crashes",
    customer: "ana@example.com",
    customer_name: "Ana Costa",
    snippet: "The export crashes on Friday",
    highlights: [],
    status: "open",
    kind: "bug",
    priority: "high",
    impact: null,
    tags: [],
    assignee: null,
    created: "2026-11-20T10:00:00Z",
    last_activity: "2026-11-23T10:00:00Z",
    unread: false,
    has_attachments: false,
    messages: 1,
    not_a_ticket: false,
    ...over,
  };
}

function ctx(rows: Array<Row | undefined>, over: Partial<RowContext> = {}): RowContext {
  return { row: (i) => rows[i], rowHeight: 30, cursor: -1, selected: new Set(), now: NOW, me: null, ...over };
}

const q = (dom: RowDom, sel: string) => dom.el.querySelector<HTMLElement>(sel)!;
const shown = (dom: RowDom, sel: string) => [...dom.el.querySelectorAll<HTMLElement>(sel)].filter((e) => !e.hidden).map((e) => e.textContent);

describe("a list row written into the DOM", () => {
  it("shows what a row has and hides what it lacks", () => {
    const dom = new RowDom(document);
    const r = row({
      messages: 3,
      unread: true,
      tags: ["billing", "eu", "vip", "late"],
      assignee: "maya@siphon.app",
      has_attachments: true,
      impact: "must-have",
    });
    dom.fill(4, ctx([, , , , r], { cursor: 4, me: { name: "Maya", email: "maya@siphon.app" } }));
    const el = dom.el;
    expect(el.className).toBe("row status-open unread current");
    expect(el.id).toBe("row-current");
    expect(el.dataset.id).toBe("t1");
    expect(el.dataset.index).toBe("4");
    expect(el.style.transform).toBe("translateY(120px)");
    expect(el.getAttribute("role")).toBe("option");
    expect(el.getAttribute("aria-selected")).toBe("true");
    expect(el.hasAttribute("aria-busy")).toBe(false);
    expect(q(dom, ".unread-dot").getAttribute("aria-label")).toBe("unread");
    expect(q(dom, ".customer").getAttribute("title")).toBe("ana@example.com");
    expect(q(dom, ".customer").firstChild?.textContent).toBe("Ana Costa");
    expect(shown(dom, ".msg-count")).toEqual(["3"]);
    // Out of a page there is nothing to measure: the estimate leaves room for one tag whole.
    expect(shown(dom, ".badge")).toEqual(["open", "bug", "high", "must-have", "billing", "+3"]);
    expect(q(dom, ".tag-chip.more").title).toBe("eu, vip, late");
    expect(q(dom, ".badge.kind").className).toBe("badge kind bug");
    expect(q(dom, ".assignee").textContent).toBe("Maya");
    expect(q(dom, ".age").textContent).not.toBe("");
    expect(q(dom, ".age").getAttribute("title")).not.toBeNull();
    expect(q(dom, ".subject").textContent).toBe("Export crashes");
    expect(q(dom, ".snippet").textContent).toBe("The export crashes on Friday");
    expect(el.querySelector("svg")?.getAttribute("class")).toBe("icon clip");
    expect(el.querySelector("svg")?.getAttribute("aria-label")).toBe("has attachments");
  });

  it("turns into a placeholder and back in the same elements", () => {
    const dom = new RowDom(document);
    const r = row({ tags: ["a", "b"], messages: 2, not_a_ticket: true });
    dom.fill(0, ctx([r]));
    const nodes = [...dom.el.querySelectorAll("*"), ...[...dom.el.querySelectorAll("*")].flatMap((e) => [...e.childNodes])];
    dom.fill(1, ctx([r, undefined]));
    expect(dom.el.className).toBe("row placeholder");
    expect(dom.el.getAttribute("aria-busy")).toBe("true");
    expect(dom.el.hasAttribute("data-id")).toBe(false);
    expect(dom.el.hasAttribute("role")).toBe(false);
    expect(dom.el.hasAttribute("aria-selected")).toBe(false);
    expect(shown(dom, ".badge")).toEqual([]);
    expect(dom.el.textContent).toBe("not a ticket");
    expect(dom.el.querySelector("svg")?.getAttribute("aria-hidden")).toBe("true");
    dom.fill(0, ctx([r]));
    expect(shown(dom, ".badge")).toEqual(["open", "not a ticket", "bug", "high", "a", "b"]);
    const again = [...dom.el.querySelectorAll("*"), ...[...dom.el.querySelectorAll("*")].flatMap((e) => [...e.childNodes])];
    expect(again).toEqual(nodes);
  });

  it("marks a search's hits and drops the marks for the next row", () => {
    const dom = new RowDom(document);
    // Byte ranges: each "é" takes two bytes, so "crash" starts at byte 6.
    const hit = row({ snippet: "été crash", highlights: [[6, 11]] });
    dom.fill(0, ctx([hit, row()]));
    expect([...q(dom, ".snippet").querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["crash"]);
    expect(q(dom, ".snippet").textContent).toBe("été crash");
    dom.fill(1, ctx([hit, row()]));
    expect(q(dom, ".snippet").querySelector("mark")).toBeNull();
    expect(q(dom, ".snippet").textContent).toBe("The export crashes on Friday");
  });

  it("follows the selection, the cursor and the clock without the row changing", () => {
    const dom = new RowDom(document);
    const r = row();
    const rows = [r];
    dom.fill(0, ctx(rows));
    expect(dom.el.className).toBe("row status-open");
    expect(dom.el.getAttribute("aria-selected")).toBe("false");
    dom.fill(0, ctx(rows, { selected: new Set(["t1"]) }));
    expect(dom.el.className).toBe("row status-open selected");
    expect(dom.el.getAttribute("aria-selected")).toBe("true");
    expect(dom.el.hasAttribute("id")).toBe(false);
    dom.fill(0, ctx(rows, { cursor: 0 }));
    expect(dom.el.className).toBe("row status-open current");
    expect(dom.el.id).toBe("row-current");
    const before = q(dom, ".age").textContent;
    dom.fill(0, ctx(rows, { cursor: 0, now: NOW + 3 * 86_400_000 }));
    expect(q(dom, ".age").textContent).not.toBe(before);
  });
});

describe("the list's slots", () => {
  it("put row i in slot i mod count, so one row of scroll moves one slot", () => {
    const view = { start: 10, count: 4 };
    expect([0, 1, 2, 3].map((k) => slotIndex(k, view))).toEqual([12, 13, 10, 11]);
    const next = { start: 11, count: 4 };
    expect([0, 1, 2, 3].map((k) => slotIndex(k, next))).toEqual([12, 13, 14, 11]);
  });

  it("grow and shrink with the window and keep the elements they reuse", () => {
    const box = document.createElement("div");
    const rows = Array.from({ length: 50 }, (_, i) => row({ id: `t${i}` }));
    const pool = new RowPool(box);
    pool.show({ start: 0, count: 6 }, 50, ctx(rows));
    const first = [...box.children];
    expect(first.map((e) => (e as HTMLElement).dataset.id)).toEqual(["t0", "t1", "t2", "t3", "t4", "t5"]);
    pool.show({ start: 2, count: 6 }, 50, ctx(rows));
    expect([...box.children]).toEqual(first);
    expect([...box.children].map((e) => (e as HTMLElement).dataset.id)).toEqual(["t6", "t7", "t2", "t3", "t4", "t5"]);
    pool.show({ start: 2, count: 3 }, 50, ctx(rows));
    expect(box.children.length).toBe(3);
    // A window past the list's end shows only the rows there are.
    pool.show({ start: 0, count: 6 }, 2, ctx(rows));
    expect(box.children.length).toBe(2);
  });
});
