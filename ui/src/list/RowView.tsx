/** One line of the ticket list (or its placeholder while the page loads). */

import { Component } from "preact";
import type { Person, Row } from "../api/bindings";
import type { PageCache } from "./pages";
import { highlightSegments } from "../text/highlight";
import { personName } from "../text/people";
import { age, fullDate } from "../text/time";

export interface RowProps {
  index: number;
  top: number;
  row: Row | undefined;
  current: boolean;
  selected: boolean;
  now: number;
  me: Person | null | undefined;
  onClick: (index: number, e: MouseEvent) => void;
}

function Snippet({ row }: { row: Row | undefined }) {
  if (!row || row.highlights.length === 0) return <span class="snippet">{row?.snippet ?? ""}</span>;
  return (
    <span class="snippet">
      {highlightSegments(row.snippet, row.highlights).map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : s.text))}
    </span>
  );
}

const PaperClip = ({ shown }: { shown: boolean }) => (
  <svg class={shown ? "icon clip" : "icon clip absent"} viewBox="0 0 16 16" aria-label={shown ? "has attachments" : undefined} aria-hidden={shown ? undefined : "true"} role="img">
    <path
      d="M10.5 4.5 5.6 9.4a1.3 1.3 0 0 0 1.8 1.8l5-5a2.6 2.6 0 0 0-3.7-3.7l-5 5a3.9 3.9 0 0 0 5.5 5.5L13.5 9"
      fill="none"
      stroke="currentColor"
      stroke-width="1.4"
      stroke-linecap="round"
    />
  </svg>
);

/**
 * Which rows the list's slots show: rows `start` to `start + count`, row `i` in slot
 * `i % count`. The list writes it as it scrolls; its slots read it when they render.
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

export interface SlotProps {
  slot: number;
  view: SlotView;
  /** The list's mounted slots, so a scroll can ask each one to follow. */
  slots: Set<RowSlot>;
  cache: PageCache<Row> | undefined;
  rowHeight: number;
  cursor: number;
  selected: ReadonlySet<string>;
  now: number;
  me: Person | null | undefined;
  onClick: (index: number, e: MouseEvent) => void;
}

/**
 * One place in the list's window. A scroll does not re-render the list: it moves the window
 * and each slot whose row changed re-renders itself (`follow`). The list re-renders (and with
 * it every slot) only when what all rows depend on changes: a page arrived, the cursor, the
 * selection, the clock.
 *
 * No slot skips a re-render of the list (no `shouldComponentUpdate`) on purpose. When a child
 * skips, Preact hands its old subtree to the new parent, so each list render would link the
 * renders before it to the ones after; the page's collector (WebKit's scans the stack
 * conservatively) then kept every render of a long scroll alive from one stale pointer: a
 * hundred megabytes and long collections over one pass of 25,000 rows.
 */
export class RowSlot extends Component<SlotProps> {
  private shown = -1;

  override componentDidMount(): void {
    this.props.slots.add(this);
  }

  override componentWillUnmount(): void {
    this.props.slots.delete(this);
  }

  /** The window moved: re-render if this slot now shows another row. */
  follow(): void {
    if (slotIndex(this.props.slot, this.props.view) !== this.shown) this.forceUpdate();
  }

  override render(p: SlotProps) {
    const index = slotIndex(p.slot, p.view);
    this.shown = index;
    const row = p.cache?.get(index);
    return RowView({
      index,
      top: index * p.rowHeight,
      row,
      current: index === p.cursor,
      selected: !!row && p.selected.has(row.id),
      now: p.now,
      me: p.me,
      onClick: p.onClick,
    });
  }
}

/** Tag chips a row shows before "+N". */
const TAG_SLOTS = 3;

/**
 * A row and its placeholder are the same elements: scrolling refills a slot's text and
 * attributes and never builds or drops elements (what is absent is `hidden`), so a pass over
 * the whole list leaves no garbage nodes behind and costs the page no new layout boxes.
 */
export function RowView({ index, top, row, current, selected, now, me, onClick }: RowProps) {
  const style = { transform: `translateY(${top}px)` };
  const classes = ["row"];
  if (row) {
    classes.push(`status-${row.status}`);
    if (selected) classes.push("selected");
    if (row.unread) classes.push("unread");
  } else classes.push("placeholder");
  if (current) classes.push("current");
  const who = row ? row.customer_name || row.customer || "Unknown sender" : "";
  const tags = row?.tags ?? [];
  const kind = row?.kind;
  const priority = row?.priority;
  const impact = row?.impact;
  return (
    <div
      id={current && row ? "row-current" : undefined}
      class={classes.join(" ")}
      data-id={row?.id}
      data-index={index}
      role={row ? "option" : undefined}
      aria-selected={row ? selected || current : undefined}
      aria-busy={row ? undefined : "true"}
      style={style}
      onClick={row ? (e) => onClick(index, e) : undefined}
    >
      <span class="unread-dot" aria-label={row?.unread ? "unread" : undefined} />
      <span class="customer" title={row?.customer ?? undefined}>
        {who}
        <span class="msg-count" hidden={!row || row.messages < 2}>
          {row && row.messages > 1 ? row.messages : ""}
        </span>
      </span>
      <span class="badges">
        <span class={`badge status ${row?.status ?? ""}`} hidden={!row}>
          {row?.status ?? ""}
        </span>
        <span class="badge" hidden={!row?.not_a_ticket}>
          not a ticket
        </span>
        <span class={`badge kind ${kind ?? ""}`} hidden={!kind}>
          {kind ?? ""}
        </span>
        <span class={`badge priority ${priority ?? ""}`} hidden={!priority}>
          {priority ?? ""}
        </span>
        <span class="badge impact" hidden={!impact}>
          {impact ?? ""}
        </span>
        {Array.from({ length: TAG_SLOTS }, (_, i) => (
          <span class="badge tag-chip" hidden={i >= tags.length}>
            {tags[i] ?? ""}
          </span>
        ))}
        <span class="badge tag-chip more" hidden={tags.length <= TAG_SLOTS}>
          {tags.length > TAG_SLOTS ? `+${tags.length - TAG_SLOTS}` : ""}
        </span>
      </span>
      <span class="assignee" title={row ? (row.assignee ?? "unassigned") : undefined}>
        {row?.assignee ? personName(row.assignee, me) : ""}
      </span>
      <span class="age" title={row ? fullDate(row.last_activity) : undefined}>
        {row ? age(row.last_activity, now) : ""}
      </span>
      <span class="line2">
        <span class="subject">{row ? row.subject || "(no subject)" : ""}</span>
        <Snippet row={row} />
      </span>
      <PaperClip shown={!!row?.has_attachments} />
      <span class="ph ph-a" />
      <span class="ph ph-b" />
    </div>
  );
}
