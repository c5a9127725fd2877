/**
 * The whole UI: the first-run screen until there is an account (or the demo), then the main
 * layout — sidebar, search, list, and the open ticket beside the list (over it when narrow).
 */

import { useEffect } from "preact/hooks";
import { Modals } from "../dialogs/Modals";
import { modal } from "../dialogs/state";
import { Toasts } from "../dialogs/Toasts";
import { UndoBar } from "../compose/UndoBar";
import { installKeys } from "../keyboard/bind";
import { ListPane } from "../list/ListPane";
import { SearchBar } from "../search/SearchBar";
import { Sidebar } from "../sidebar/Sidebar";
import { installFrameFocusGuard } from "../ticket/frame";
import { TicketView } from "../ticket/TicketView";
import { ReportsView } from "../reports/ReportsView";
import { reportsOpen } from "../reports/state";
import { MeForm } from "../welcome/MeForm";
import { Welcome } from "../welcome/Welcome";
import { currentTargets } from "./edit";
import { applyInfo, startMain } from "./live";
import { runAction } from "./run";
import { info, ticket } from "./state";

function Main() {
  const app = info.value;
  useEffect(() => {
    void startMain();
    const keys = installKeys({
      targets: currentTargets,
      modalOpen: () => modal.value !== null,
      run: runAction,
    });
    const guard = installFrameFocusGuard(() => document.getElementById("ticket-view"));
    return () => {
      keys();
      guard();
    };
  }, []);
  return (
    <div id="main" class={ticket.value ? "layout with-ticket" : "layout"}>
      <Sidebar />
      <div class="center">
        <header class="topbar">
          <SearchBar />
          <button type="button" id="palette-open" class="ghost" title="Command palette" onClick={() => runAction("palette")}>
            <kbd>{app?.platform === "macos" ? "⌘ K" : "Ctrl K"}</kbd>
          </button>
        </header>
        {app?.demo && (
          <div id="demo-banner" role="note">
            You are exploring the demo workspace: changes stay in it. Restart Siphon without --demo to add your own mailbox.
          </div>
        )}
        {app && !app.me && (
          <div id="me-banner" role="note">
            <span>Tell Siphon who you are so your changes carry your name:</span>
            <MeForm compact onSaved={applyInfo} />
          </div>
        )}
        {reportsOpen.value && !ticket.value ? (
          <ReportsView />
        ) : (
          <div class="panes">
            <ListPane />
            <TicketView />
          </div>
        )}
      </div>
    </div>
  );
}

export function App() {
  const app = info.value;
  return (
    <>
      {!app ? (
        <main class="splash">
          <h1 id="title">Siphon</h1>
        </main>
      ) : app.configured ? (
        <Main />
      ) : (
        <Welcome info={app} onInfo={applyInfo} />
      )}
      <Modals />
      <UndoBar />
      <Toasts />
    </>
  );
}
