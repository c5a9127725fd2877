/**
 * The list's rows, written straight into the DOM.
 *
 * The list shows a few dozen rows of 100,000 and scrolls through all of them at 60 frames a
 * second. Rendering each row change through components made about 5 KB of short-lived objects
 * per row (vnodes, props, class strings), over 10 MB a second while scrolling, and the page's
 * collector then ran long and held memory it gave back late. Here each slot builds its
 * elements once and a row change writes only the text and attributes that differ; a row and
 * its placeholder are the same elements (what a row lacks is `hidden`), so a scroll never
 * creates or drops a node.
 */

import type { Person, Row } from "../api/bindings";
import { highlightSegments } from "../text/highlight";
import { chipMetrics, tagsThatFit } from "./chips";
import { personName } from "../text/people";
import { age, fullDate } from "../text/time";

/**
 * Which rows the slots show: rows `start` to `start + count`, row `i` in slot `i % count`, so
 * a scroll by one row refills one slot and leaves the others alone.
 */
export interface SlotView {
  start: number;
  count: number;
}

/** The row slot `slot` shows in `view`. */
export function slotIndex(slot: number, view: SlotView): number {
  const n = Math.max(1, view.count);
  return view.start + ((((slot - view.start) % n) + n) % n);
}

/** What every row depends on besides its own data. */
export interface RowContext {
  row: (index: number) => Row | undefined;
  rowHeight: number;
  cursor: number;
  selected: ReadonlySet<string>;
  now: number;
  me: Person | null | undefined;
}

/** Tag chips a row shows at most before "+N" (fewer when they do not fit). */
export const TAG_SLOTS = 3;

const SVG = "http://www.w3.org/2000/svg";
const CLIP_PATH = "M10.5 4.5 5.6 9.4a1.3 1.3 0 0 0 1.8 1.8l5-5a2.6 2.6 0 0 0-3.7-3.7l-5 5a3.9 3.9 0 0 0 5.5 5.5L13.5 9";

function span(parent: Element, cls: string): HTMLSpanElement {
  const el = parent.ownerDocument.createElement("span");
  if (cls) el.className = cls;
  parent.append(el);
  return el;
}

/** A span holding one text node, which later writes change in place. */
function textSpan(parent: Element, cls: string, text = ""): [HTMLSpanElement, Text] {
  const el = span(parent, cls);
  const t = parent.ownerDocument.createTextNode(text);
  el.append(t);
  return [el, t];
}

function setText(node: Text, text: string): void {
  if (node.data !== text) node.data = text;
}

function setAttr(el: Element, name: string, value: string | undefined): void {
  if (value === undefined) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}

/** A badge whose class and text follow a value, hidden without one. */
class Badge {
  readonly el: HTMLSpanElement;
  private readonly text: Text;

  constructor(
    parent: Element,
    private readonly base: string,
  ) {
    [this.el, this.text] = textSpan(parent, base);
    this.el.hidden = true;
  }

  set(value: string | null | undefined, withClass = true): void {
    const v = value ?? "";
    setHidden(this.el, !value);
    setText(this.text, v);
    if (withClass) {
      const cls = v ? `${this.base} ${v}` : this.base;
      if (this.el.className !== cls) this.el.className = cls;
    }
  }
}

/** One slot of the list: its elements, and what they show now. */
export class RowDom {
  readonly el: HTMLDivElement;
  private readonly dot: HTMLSpanElement;
  private readonly customer: HTMLSpanElement;
  private readonly who: Text;
  private readonly count: HTMLSpanElement;
  private readonly countText: Text;
  private readonly status: Badge;
  private readonly notTicket: HTMLSpanElement;
  private readonly kind: Badge;
  private readonly priority: Badge;
  private readonly impact: Badge;
  private readonly badges: HTMLSpanElement;
  private readonly tags: Badge[];
  private readonly more: Badge;
  private readonly assignee: HTMLSpanElement;
  private readonly assigneeText: Text;
  private readonly ageEl: HTMLSpanElement;
  private readonly ageText: Text;
  private readonly subject: Text;
  private readonly snippet: HTMLSpanElement;
  private readonly snippetText: Text;
  private readonly clip: SVGSVGElement;

  /** What was written last, so a refill writes only what changed. */
  private index = -1;
  private row: Row | undefined | null = null;
  private current = false;
  private selected = false;
  private now = 0;
  private me: Person | null | undefined = null;

  constructor(doc: Document) {
    const el = doc.createElement("div");
    this.el = el;
    this.dot = span(el, "unread-dot");
    [this.customer, this.who] = textSpan(el, "customer");
    [this.count, this.countText] = textSpan(this.customer, "msg-count");
    this.count.hidden = true;
    const badges = span(el, "badges");
    this.badges = badges;
    this.status = new Badge(badges, "badge status");
    [this.notTicket] = textSpan(badges, "badge", "not a ticket");
    this.notTicket.hidden = true;
    this.kind = new Badge(badges, "badge kind");
    this.priority = new Badge(badges, "badge priority");
    this.impact = new Badge(badges, "badge impact");
    this.tags = Array.from({ length: TAG_SLOTS }, () => new Badge(badges, "badge tag-chip"));
    this.more = new Badge(badges, "badge tag-chip more");
    [this.assignee, this.assigneeText] = textSpan(el, "assignee");
    [this.ageEl, this.ageText] = textSpan(el, "age");
    const line2 = span(el, "line2");
    [, this.subject] = textSpan(line2, "subject");
    [this.snippet, this.snippetText] = textSpan(line2, "snippet");
    const svg = doc.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("role", "img");
    const path = doc.createElementNS(SVG, "path");
    for (const [k, v] of [
      ["d", CLIP_PATH],
      ["fill", "none"],
      ["stroke", "currentColor"],
      ["stroke-width", "1.4"],
      ["stroke-linecap", "round"],
    ] as const)
      path.setAttribute(k, v);
    svg.append(path);
    el.append(svg);
    this.clip = svg;
    span(el, "ph ph-a");
    span(el, "ph ph-b");
  }

  /** Shows row `index` (a placeholder while its page is on its way). */
  fill(index: number, ctx: RowContext): void {
    const row = ctx.row(index);
    const current = index === ctx.cursor;
    const selected = !!row && ctx.selected.has(row.id);
    const rowChanged = row !== this.row;
    if (!rowChanged && index === this.index && current === this.current && selected === this.selected && ctx.now === this.now && ctx.me === this.me) return;
    const el = this.el;
    if (index !== this.index) {
      el.style.transform = `translateY(${index * ctx.rowHeight}px)`;
      el.dataset.index = String(index);
    }
    let cls = "row";
    if (row) {
      cls += ` status-${row.status}`;
      if (selected) cls += " selected";
      if (row.unread) cls += " unread";
    } else cls += " placeholder";
    if (current) cls += " current";
    if (el.className !== cls) el.className = cls;
    setAttr(el, "id", current && row ? "row-current" : undefined);
    setAttr(el, "aria-selected", row ? String(selected || current) : undefined);
    if (rowChanged) this.fillRow(row);
    if (rowChanged || ctx.me !== this.me) setText(this.assigneeText, row?.assignee ? personName(row.assignee, ctx.me) : "");
    if (rowChanged || ctx.now !== this.now) setText(this.ageText, row ? age(row.last_activity, ctx.now) : "");
    this.index = index;
    this.row = row;
    this.current = current;
    this.selected = selected;
    this.now = ctx.now;
    this.me = ctx.me;
  }

  /** Everything that depends on the row alone. */
  private fillRow(row: Row | undefined): void {
    const el = this.el;
    setAttr(el, "data-id", row?.id);
    setAttr(el, "role", row ? "option" : undefined);
    setAttr(el, "aria-busy", row ? undefined : "true");
    setAttr(this.dot, "aria-label", row?.unread ? "unread" : undefined);
    setAttr(this.customer, "title", row?.customer ?? undefined);
    setText(this.who, row ? row.customer_name || row.customer || "Unknown sender" : "");
    const many = !!row && row.messages > 1;
    setHidden(this.count, !many);
    setText(this.countText, many ? String(row.messages) : "");
    this.status.set(row?.status);
    setHidden(this.notTicket, !row?.not_a_ticket);
    this.kind.set(row?.kind);
    this.priority.set(row?.priority);
    this.impact.set(row?.impact, false);
    const tags = row?.tags ?? [];
    const fit = row && tags.length > 0 ? this.tagsThatFit(row, tags) : 0;
    this.tags.forEach((chip, i) => chip.set(i < fit ? tags[i] : undefined, false));
    const rest = tags.slice(fit);
    this.more.set(rest.length > 0 ? `+${rest.length}` : "", false);
    setAttr(this.more.el, "title", rest.length > 0 ? rest.join(", ") : undefined);
    setAttr(this.assignee, "title", row ? (row.assignee ?? "unassigned") : undefined);
    setAttr(this.ageEl, "title", row ? fullDate(row.last_activity) : undefined);
    setText(this.subject, row ? row.subject || "(no subject)" : "");
    this.fillSnippet(row);
    const clip = !!row?.has_attachments;
    setAttr(this.clip, "class", clip ? "icon clip" : "icon clip absent");
    setAttr(this.clip, "aria-label", clip ? "has attachments" : undefined);
    setAttr(this.clip, "aria-hidden", clip ? undefined : "true");
  }

  /** How many of the row's tags fit whole beside its other badges. */
  private tagsThatFit(row: Row, tags: readonly string[]): number {
    const fixed = [row.status, row.not_a_ticket ? "not a ticket" : null, row.kind, row.priority, row.impact].filter((b): b is string => !!b);
    const { width, room } = chipMetrics(this.badges);
    return tagsThatFit(fixed, tags, TAG_SLOTS, room, width);
  }

  /** The snippet: one text node, or text and marks for a search's hits. */
  private fillSnippet(row: Row | undefined): void {
    const s = this.snippet;
    const text = row?.snippet ?? "";
    if (!row || row.highlights.length === 0) {
      setText(this.snippetText, text);
      if (s.childNodes.length !== 1 || s.firstChild !== this.snippetText) s.replaceChildren(this.snippetText);
      return;
    }
    const doc = s.ownerDocument;
    s.replaceChildren(
      ...highlightSegments(text, row.highlights).map((seg) => {
        if (!seg.hit) return doc.createTextNode(seg.text);
        const mark = doc.createElement("mark");
        mark.textContent = seg.text;
        return mark;
      }),
    );
  }
}

/**
 * The list's slots under one container element. `show` fits the number of slots to the
 * window and refills each slot with its row.
 */
export class RowPool {
  private readonly slots: RowDom[] = [];

  constructor(private readonly container: HTMLElement) {}

  /** Shows `view` (clipped to `total` rows). */
  show(view: SlotView, total: number, ctx: RowContext): void {
    const n = Math.max(0, Math.min(view.count, total));
    while (this.slots.length < n) {
      const slot = new RowDom(this.container.ownerDocument);
      this.slots.push(slot);
      this.container.append(slot.el);
    }
    while (this.slots.length > n) this.slots.pop()!.el.remove();
    for (let k = 0; k < n; k++) this.slots[k]!.fill(slotIndex(k, view), ctx);
  }
}
