/** #sidebar: views with counts, saved searches, tags, accounts with their sync state. */

import type { SyncState } from "../api/bindings";
import { chooseView, openSource } from "../app/inbox";
import { runAction } from "../app/run";
import { removeSavedSearch, runSaved } from "../app/search";
import { info, now, searchText, sidebar, source } from "../app/state";
import { reportsOpen } from "../reports/state";
import { syncText, syncTrouble } from "../text/sync-state";

const fmt = (n: number) => n.toLocaleString("en-US");

function Count({ n }: { n: number }) {
  return (
    <span class="count" data-count={n}>
      {fmt(n)}
    </span>
  );
}

function SyncLine({ state }: { state: SyncState }) {
  return (
    <span class={`sync-state ${syncTrouble(state)}`} data-state={state.state}>
      {syncText(state, now.value)}
    </span>
  );
}

/** After picking a list, keys act on it (Enter opens a ticket, not this button again). */
const toList = () => document.getElementById("ticket-list")?.focus({ preventScroll: true });

export function Sidebar() {
  const side = sidebar.value;
  const src = source.value;
  const app = info.value;
  const activeQuery = src.by === "query" ? src.query : null;
  const accountCounts = new Map((side?.counts.accounts ?? []).map((a) => [a.name, a.count]));
  const showTag = (tag: string) => {
    const query = `tag:${/[\s"()]/.test(tag) ? `"${tag}"` : tag}`;
    searchText.value = query;
    void openSource({ by: "query", query });
  };
  return (
    <nav id="sidebar" aria-label="Views">
      <header class="brand">
        <span id="title">{app ? `${app.name} ${app.version}` : "Siphon"}</span>
        <button type="button" id="settings-open" class="icon-button" title="Settings" aria-label="Settings" onClick={() => runAction("settings")}>
          ⚙
        </button>
      </header>
      <ul class="views">
        {(side?.counts.views ?? []).map((v, i) => (
          <li key={v.view}>
            <button
              type="button"
              class={src.by === "view" && src.view === v.view ? "view active" : "view"}
              data-view={v.view}
              title={i < 9 ? `${v.title} (${i + 1})` : v.title}
              onClick={() => {
                chooseView(v.view);
                toList();
              }}
            >
              <span class="name">{v.title}</span>
              <Count n={v.count} />
            </button>
          </li>
        ))}
      </ul>

      <ul class="views answer-views">
        <li>
          <button type="button" id="outbox-open" class="view" title="Replies waiting, failed or held" onClick={() => runAction("outbox")}>
            <span class="name">Outbox</span>
            <Count n={side?.outbox ?? 0} />
          </button>
        </li>
        <li>
          <button type="button" id="templates-open" class="view" title="The team's saved replies" onClick={() => runAction("templates")}>
            <span class="name">Templates</span>
          </button>
        </li>
        <li>
          <button
            type="button"
            id="reports-open"
            class={reportsOpen.value ? "view active" : "view"}
            title="Charts, per-agent and per-tag tables, export (g)"
            onClick={() => runAction("reports")}
          >
            <span class="name">Reports</span>
          </button>
        </li>
      </ul>

      {side && side.prefs.saved_searches.length > 0 && (
        <section>
          <h3>Saved searches</h3>
          <ul>
            {side.prefs.saved_searches.map((s) => (
              <li key={s.name} class={activeQuery === s.query ? "saved active" : "saved"} data-name={s.name}>
                <button
                  type="button"
                  class="saved-run"
                  title={s.query}
                  onClick={() => {
                    runSaved(s);
                    toList();
                  }}
                >
                  <span class="name">{s.name}</span>
                </button>
                <button
                  type="button"
                  class="saved-remove icon-button"
                  aria-label={`Remove saved search ${s.name}`}
                  title="Remove"
                  onClick={() => removeSavedSearch(s.name)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {side && side.counts.tags.length > 0 && (
        <section>
          <h3>Tags</h3>
          <ul class="tags">
            {side.counts.tags.map((t) => (
              <li key={t.name}>
                <button
                  type="button"
                  class={activeQuery === `tag:${t.name}` ? "tag active" : "tag"}
                  data-tag={t.name}
                  onClick={() => {
                    showTag(t.name);
                    toList();
                  }}
                >
                  <span class="name">{t.name}</span>
                  <Count n={t.count} />
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {side && side.accounts.length > 0 && (
        <section>
          <h3>Accounts</h3>
          <ul>
            {side.accounts.map((a) => (
              <li key={a.name} class="account" data-account={a.name} title={a.email}>
                <span class="name">{a.name}</span>
                <Count n={accountCounts.get(a.name) ?? 0} />
                <SyncLine state={a.sync} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </nav>
  );
}
