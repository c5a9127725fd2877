/** Start-up and staying current: app info, the app's events, pending opens, the clock. */

import * as api from "../api/commands";
import type { AppInfo } from "../api/bindings";
import { onChanged, onOpenTicket, onOutbox, onSync } from "../api/events";
import { afterOutboxChange } from "../compose/run";
import { loadSidebar, openSource, refreshList } from "./inbox";
import { info, lastView, now, sidebar, ticket } from "./state";
import { openTicket, reloadTicket } from "./ticket";
import { showError } from "./toast";

let mainStarted = false;

/** A refresh at a time: changes arriving meanwhile make one more, not one each. */
let refreshing = false;
let again = false;

async function refreshShown(): Promise<void> {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    await Promise.all([loadSidebar(), refreshList()]);
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      void refreshShown();
    }
  }
}

/** Where the app stands now (after open_demo, account_add, me_set …); the title follows. */
export function applyInfo(next: AppInfo): void {
  info.value = next;
  document.title = `${next.name} ${next.version}`.trim();
}

/** Reads where the app stands and listens to its events. */
export async function boot(): Promise<void> {
  setInterval(() => {
    now.value = Date.now();
  }, 30_000);
  try {
    applyInfo(await api.appInfo());
  } catch (error) {
    showError(error);
  }
  const listening = [
    onSync((s) => {
      const side = sidebar.value;
      if (!side) return;
      const has = side.accounts.some((a) => a.name === s.name);
      sidebar.value = {
        ...side,
        accounts: has ? side.accounts.map((a) => (a.name === s.name ? s : a)) : [...side.accounts, s],
      };
    }),
    onChanged((changed) => {
      if (!mainStarted) return;
      void refreshShown();
      const open = ticket.value;
      // A sent reply's own copy coming back from the Sent folder replaces its outbox record.
      const sentShown = open?.page?.detail.outgoing.some((o) => o.state === "sent");
      if (open && (sentShown || changed.arrivals.some((a) => a.id === open.id))) void reloadTicket();
    }),
    onOutbox((changed) => {
      if (mainStarted) void afterOutboxChange(null, changed.items);
    }),
    onOpenTicket((id) => {
      if (mainStarted) void openTicket(id);
    }),
  ];
  for (const l of listening) l.catch(showError);
}

/** The main screen is up: sidebar, the Open view, and tickets asked for before we were ready. */
export async function startMain(): Promise<void> {
  if (mainStarted) return;
  mainStarted = true;
  await Promise.all([loadSidebar(), openSource({ by: "view", view: lastView.value })]);
  try {
    const pending = await api.takePendingOpens();
    const last = pending[pending.length - 1];
    if (last) void openTicket(last);
  } catch (error) {
    showError(error);
  }
}
