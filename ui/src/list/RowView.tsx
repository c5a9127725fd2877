/** One line of the ticket list (or its placeholder while the page loads). */

import { Component } from "preact";
import type { Person, Row } from "../api/bindings";
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

function Snippet({ row }: { row: Row }) {
  if (row.highlights.length === 0) return <span class="snippet">{row.snippet}</span>;
  return (
    <span class="snippet">
      {highlightSegments(row.snippet, row.highlights).map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : s.text))}
    </span>
  );
}

const PaperClip = () => (
  <svg class="icon clip" viewBox="0 0 16 16" aria-label="has attachments" role="img">
    <path
      d="M10.5 4.5 5.6 9.4a1.3 1.3 0 0 0 1.8 1.8l5-5a2.6 2.6 0 0 0-3.7-3.7l-5 5a3.9 3.9 0 0 0 5.5 5.5L13.5 9"
      fill="none"
      stroke="currentColor"
      stroke-width="1.4"
      stroke-linecap="round"
    />
  </svg>
);

/** Re-renders only when what it shows changed (scrolling re-renders the list, not each row). */
export class RowSlot extends Component<RowProps> {
  override shouldComponentUpdate(next: RowProps): boolean {
    const p = this.props;
    return (
      p.index !== next.index ||
      p.row !== next.row ||
      p.current !== next.current ||
      p.selected !== next.selected ||
      p.now !== next.now ||
      p.me !== next.me ||
      p.onClick !== next.onClick
    );
  }

  override render(props: RowProps) {
    return RowView(props);
  }
}

export function RowView({ index, top, row, current, selected, now, me, onClick }: RowProps) {
  const style = { transform: `translateY(${top}px)` };
  if (!row) {
    return (
      <div class={current ? "row placeholder current" : "row placeholder"} data-index={index} style={style} aria-busy="true">
        <span class="ph ph-a" />
        <span class="ph ph-b" />
      </div>
    );
  }
  const classes = ["row", `status-${row.status}`];
  if (current) classes.push("current");
  if (selected) classes.push("selected");
  if (row.unread) classes.push("unread");
  const who = row.customer_name || row.customer || "Unknown sender";
  return (
    <div
      id={current ? "row-current" : undefined}
      class={classes.join(" ")}
      data-id={row.id}
      data-index={index}
      role="option"
      aria-selected={selected || current}
      style={style}
      onClick={(e) => onClick(index, e)}
    >
      <span class="unread-dot" aria-label={row.unread ? "unread" : undefined} />
      <span class="customer" title={row.customer ?? undefined}>
        {who}
        {row.messages > 1 && <span class="msg-count">{row.messages}</span>}
      </span>
      <span class="badges">
        <span class={`badge status ${row.status}`}>{row.status}</span>
        {row.not_a_ticket && <span class="badge">not a ticket</span>}
        {row.kind && <span class={`badge kind ${row.kind}`}>{row.kind}</span>}
        {row.priority && <span class={`badge priority ${row.priority}`}>{row.priority}</span>}
        {row.impact && <span class="badge impact">{row.impact}</span>}
        {row.tags.slice(0, 3).map((t) => (
          <span key={t} class="badge tag-chip">
            {t}
          </span>
        ))}
        {row.tags.length > 3 && <span class="badge tag-chip more">+{row.tags.length - 3}</span>}
      </span>
      <span class="assignee" title={row.assignee ?? "unassigned"}>
        {row.assignee ? personName(row.assignee, me) : ""}
      </span>
      <span class="age" title={fullDate(row.last_activity)}>
        {age(row.last_activity, now)}
      </span>
      <span class="line2">
        <span class="subject">{row.subject || "(no subject)"}</span>
        <Snippet row={row} />
      </span>
      {row.has_attachments ? <PaperClip /> : <span class="icon" />}
    </div>
  );
}
