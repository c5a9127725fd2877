/** The middle column: what is listed and how many, the bulk bar, the list. */

import { applyChange } from "../app/edit";
import { clearSelection } from "../app/inbox";
import { runAction } from "../app/run";
import { list, selected, sidebar, source } from "../app/state";
import { TicketList } from "./TicketList";

function BulkBar() {
  const n = selected.value.size;
  if (n === 0) return null;
  const ids = () => [...selected.value];
  return (
    <div id="bulk" role="toolbar" aria-label="Change the selected tickets">
      <span class="bulk-count">{n} selected</span>
      <button type="button" data-action="close" onClick={() => void applyChange({ field: "status", value: "closed" }, ids())}>
        Close
      </button>
      <button type="button" data-action="pending" onClick={() => void applyChange({ field: "status", value: "pending" }, ids())}>
        Pending
      </button>
      <button type="button" data-action="open" onClick={() => void applyChange({ field: "status", value: "open" }, ids())}>
        Reopen
      </button>
      <button type="button" data-action="snooze" onClick={() => runAction("snooze")}>
        Snooze…
      </button>
      <button type="button" data-action="assign" onClick={() => runAction("assign")}>
        Assign…
      </button>
      <button type="button" data-action="tag" onClick={() => runAction("tag")}>
        Tag…
      </button>
      <select
        data-action="kind"
        aria-label="Set kind"
        value=""
        onChange={(e) => {
          const v = e.currentTarget.value;
          e.currentTarget.value = "";
          if (v) void applyChange({ field: "kind", value: v === "none" ? "" : v }, ids());
        }}
      >
        <option value="">Kind…</option>
        <option value="bug">bug</option>
        <option value="feature">feature</option>
        <option value="question">question</option>
        <option value="other">other</option>
        <option value="none">clear</option>
      </select>
      <button type="button" data-action="clear" class="icon-button" aria-label="Clear selection" onClick={clearSelection}>
        ×
      </button>
    </div>
  );
}

function heading(): string {
  const src = source.value;
  if (src.by === "query") return "Search";
  return sidebar.value?.counts.views.find((v) => v.view === src.view)?.title ?? src.view;
}

export function ListPane() {
  const l = list.value;
  const total = l?.info.total ?? 0;
  return (
    <section class="list-pane" aria-label="Ticket list">
      <header class="list-head">
        <h2>{heading()}</h2>
        <span id="list-total" data-total={total}>
          {total.toLocaleString("en-US")}
        </span>
        {l?.info.ranked && <span class="hint">best matches first</span>}
      </header>
      <BulkBar />
      <TicketList />
    </section>
  );
}
