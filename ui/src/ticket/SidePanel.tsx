/**
 * The open ticket's state, editable: status, snooze, assignee, tags, kind, priority, impact;
 * internal notes; the op history as sentences; the customer's other tickets.
 */

import { useState } from "preact/hooks";
import type { TicketPage } from "../api/bindings";
import { applyChange } from "../app/edit";
import { info, knownAssignees, now, sidebar } from "../app/state";
import { openTicket } from "../app/ticket";
import { openComposer } from "../compose/run";
import type { Change } from "../edit/edit-input";
import { historySentence } from "../text/history";
import { personName } from "../text/people";
import { age, ago, fullDate } from "../text/time";

const STATUSES = ["open", "pending", "closed"] as const;

/** A one-line field that applies on Enter and empties itself when saved. */
function FieldForm(props: { id: string; label: string; placeholder: string; list?: string; change: (v: string) => Change }) {
  const [value, setValue] = useState("");
  return (
    <form
      class="field-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!value.trim()) return;
        if (await applyChange(props.change(value))) setValue("");
      }}
    >
      <input
        id={props.id}
        aria-label={props.label}
        placeholder={props.placeholder}
        list={props.list}
        value={value}
        autocomplete="off"
        spellcheck={false}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
    </form>
  );
}

function Select(props: { id: string; label: string; value: string | null; options: string[]; field: "kind" | "priority" | "impact" }) {
  return (
    <label class="select-field">
      <span>{props.label}</span>
      <select
        id={props.id}
        value={props.value ?? ""}
        onChange={(e) => void applyChange({ field: props.field, value: e.currentTarget.value })}
      >
        <option value="">—</option>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The team's internal notes; `n` writes one in the composer. */
function Notes({ page }: { page: TicketPage }) {
  const me = info.value?.me;
  return (
    <section class="panel-section notes">
      <h3>Internal notes</h3>
      {page.detail.notes.map((n, i) => (
        <div key={i} class="note">
          <div class="note-meta">
            {personName(n.actor, me)} · <span title={fullDate(n.at)}>{ago(n.at, now.value)}</span>
          </div>
          <div class="note-text">{n.text}</div>
        </div>
      ))}
      <button type="button" id="note-open" class="link-button" onClick={() => void openComposer("note")}>
        Add a note <kbd>n</kbd>
      </button>
    </section>
  );
}

export function SidePanel({ page }: { page: TicketPage }) {
  const t = page.detail.ticket;
  const me = info.value?.me;
  const nowMs = now.value;
  const assignees = ["me", ...[...knownAssignees.value].filter((a) => a !== me?.email)];
  const tags = (sidebar.value?.counts.tags ?? []).map((x) => x.name).filter((x) => !t.tags.includes(x));
  return (
    <aside class="side-panel" aria-label="Ticket details">
      <section class="panel-section">
        <h3>Status</h3>
        <div class="segmented" role="group" aria-label="Status">
          {STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              class={t.status === s ? "set-status active" : "set-status"}
              data-status={s}
              aria-pressed={t.status === s}
              onClick={() => void applyChange({ field: "status", value: s })}
            >
              {s}
            </button>
          ))}
        </div>
        {t.snoozed_until && (
          <p class="snoozed">
            Snoozed until <span title={t.snoozed_until}>{fullDate(t.snoozed_until)}</span>{" "}
            <button type="button" id="wake" class="link-button" onClick={() => void applyChange({ field: "snooze", value: "" })}>
              Wake
            </button>
          </p>
        )}
        <FieldForm id="snooze-input" label="Snooze until" placeholder="Snooze: 2d, 2026-12-01" change={(v) => ({ field: "snooze", value: v })} />
      </section>

      <section class="panel-section">
        <h3>Assignee</h3>
        <p class="assignee-now" id="ticket-assignee">
          {t.assignee ? personName(t.assignee, me) : "Unassigned"}
          {t.assignee && (
            <button type="button" class="link-button" id="unassign" onClick={() => void applyChange({ field: "assign", value: "" })}>
              Unassign
            </button>
          )}
        </p>
        <FieldForm id="assign-input" label="Assign to" placeholder="Assign: me or an address" list="assignee-options" change={(v) => ({ field: "assign", value: v })} />
        <datalist id="assignee-options">
          {assignees.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </section>

      <section class="panel-section">
        <h3>Tags</h3>
        <div class="chips">
          {t.tags.map((tag) => (
            <span key={tag} class="chip" data-tag={tag}>
              {tag}
              <button
                type="button"
                class="chip-remove"
                aria-label={`Remove tag ${tag}`}
                onClick={() => void applyChange({ field: "tag-remove", value: tag })}
              >
                ×
              </button>
            </span>
          ))}
        </div>
        <FieldForm id="tag-input" label="Add tags" placeholder="Add tag…" list="tag-options" change={(v) => ({ field: "tags", value: v })} />
        <datalist id="tag-options">
          {tags.map((x) => (
            <option key={x} value={x} />
          ))}
        </datalist>
      </section>

      <section class="panel-section triage">
        <Select id="kind-select" label="Kind" value={t.kind} field="kind" options={["bug", "feature", "question", "other"]} />
        <Select id="priority-select" label="Priority" value={t.priority} field="priority" options={["urgent", "high", "normal", "low"]} />
        <Select id="impact-select" label="Impact" value={t.impact} field="impact" options={["must-have", "nice-to-have"]} />
      </section>

      <Notes page={page} />

      <section class="panel-section">
        <h3>History</h3>
        <ul id="history">
          {page.detail.history.map((h) => (
            <li key={h.op} title={fullDate(h.at)}>
              {historySentence(h, me, nowMs)}
            </li>
          ))}
          {page.detail.history.length === 0 && <li class="muted">No changes yet</li>}
        </ul>
      </section>

      {page.others.length > 0 && (
        <section class="panel-section">
          <h3>Other tickets from {t.customer}</h3>
          <ul id="others">
            {page.others.map((o) => (
              <li key={o.id}>
                <button type="button" class="other" data-id={o.id} onClick={() => void openTicket(o.id)}>
                  <span class="subject">{o.subject || "(no subject)"}</span>
                  <span class={`badge status ${o.status}`}>{o.status}</span>
                  <span class="age">{age(o.last_activity, nowMs)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
