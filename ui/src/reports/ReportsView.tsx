/**
 * The Reports view in the main pane: a period picker, the totals, three charts, the per-agent
 * and per-tag tables, and the export.
 */

import { useEffect } from "preact/hooks";
import type { ReportView } from "../api/bindings";
import { hours } from "./chart";
import { BacklogChart, CreatedChart, TimesChart } from "./Charts";
import { ExportBar } from "./ExportBar";
import { CHOICES, validDays, type PeriodChoice } from "./period";
import { closeReports, currentDays, loadReport } from "./run";
import { choice, custom, loading, report, reportError } from "./state";

function PeriodPicker() {
  const bad = choice.value === "custom" ? validDays(custom.value) : null;
  return (
    <div class="period-picker">
      <select
        id="report-period"
        aria-label="Period"
        value={choice.value}
        onChange={(e) => {
          choice.value = (e.currentTarget as HTMLSelectElement).value as PeriodChoice;
          if (choice.value === "custom" && !custom.value.from) custom.value = currentDays();
          if (choice.value !== "custom") void loadReport();
        }}
      >
        {CHOICES.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </select>
      {choice.value === "custom" && (
        <form
          class="custom-days"
          onSubmit={(e) => {
            e.preventDefault();
            if (!bad) void loadReport();
          }}
        >
          <input id="report-from" type="date" aria-label="From" value={custom.value.from}
            onInput={(e) => (custom.value = { ...custom.value, from: (e.currentTarget as HTMLInputElement).value })} />
          <span>to</span>
          <input id="report-to" type="date" aria-label="To" value={custom.value.to}
            onInput={(e) => (custom.value = { ...custom.value, to: (e.currentTarget as HTMLInputElement).value })} />
          <button type="submit" disabled={!!bad}>Show</button>
          {bad && <span class="error">{bad}</span>}
        </form>
      )}
    </div>
  );
}

function Totals(props: { r: ReportView }) {
  const t = props.r.totals;
  const items: [string, string][] = [
    ["Created", String(t.created)],
    ["Closed", String(t.closed)],
    ["Backlog at end", String(t.backlog)],
    ["Median first response", hours(t.median_first_response_hours)],
    ["Median resolution", hours(t.median_resolution_hours)],
    ["Reopened", String(t.reopened)],
  ];
  return (
    <dl class="totals">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

const pct = (n: number, of: number) => (of > 0 ? `${Math.round((100 * n) / of)} %` : "—");

function AgentTable(props: { r: ReportView }) {
  return (
    <section class="report-table">
      <h3>Agents</h3>
      <table id="report-agents">
        <thead>
          <tr>
            <th>Agent</th>
            <th class="num">Tickets</th>
            <th class="num">Replies</th>
            <th class="num">Median first response</th>
            <th class="num">Median resolution</th>
            <th class="num" title="Resolved with one reply and never reopened, of those resolved">FCR</th>
          </tr>
        </thead>
        <tbody>
          {props.r.agents.map((a) => (
            <tr key={a.agent}>
              <td>{a.agent}</td>
              <td class="num">{a.tickets}</td>
              <td class="num">{a.replies}</td>
              <td class="num">{hours(a.median_first_response_hours)}</td>
              <td class="num">{hours(a.median_resolution_hours)}</td>
              <td class="num">{pct(a.first_contact_resolutions, a.resolved)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TagTable(props: { r: ReportView }) {
  if (props.r.tags.length === 0) return null;
  return (
    <section class="report-table">
      <h3>Tags</h3>
      <table id="report-tags">
        <thead>
          <tr>
            <th>Tag</th>
            <th class="num">Tickets</th>
            <th class="num">Open at end</th>
            <th class="num">Median resolution</th>
          </tr>
        </thead>
        <tbody>
          {props.r.tags.map((t) => (
            <tr key={t.tag}>
              <td>{t.tag}</td>
              <td class="num">{t.tickets}</td>
              <td class="num">{t.open}</td>
              <td class="num">{hours(t.median_resolution_hours)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ReportsView() {
  useEffect(() => {
    document.getElementById("report-period")?.focus();
  }, []);
  const r = report.value;
  const empty = r !== null && r.totals.active === 0 && r.totals.backlog === 0;
  return (
    <section id="reports" class="reports" aria-label="Reports" aria-busy={loading.value}>
      <header class="reports-head">
        <h2>Reports</h2>
        <PeriodPicker />
        {r && (
          <span class="muted period-label">
            {r.from} – {r.to} ({r.time_zone})
          </span>
        )}
        <button type="button" class="ghost" id="reports-close" title="Back to the tickets (Esc)" onClick={closeReports}>
          Close
        </button>
      </header>
      <ExportBar />
      {reportError.value && <p class="error" role="alert">{reportError.value.message}</p>}
      {!r && !reportError.value && <p class="muted">Counting…</p>}
      {r && empty && (
        <div class="empty-state" id="reports-empty">
          <p>No tickets in {r.label}.</p>
          <p class="muted">Pick a longer period, or wait for mail to arrive.</p>
        </div>
      )}
      {r && !empty && (
        <>
          <Totals r={r} />
          <div class="charts">
            <CreatedChart weeks={r.weeks} />
            <TimesChart weeks={r.weeks} />
            <BacklogChart weeks={r.weeks} />
          </div>
          <div class="tables">
            <AgentTable r={r} />
            <TagTable r={r} />
          </div>
        </>
      )}
    </section>
  );
}
