/** Runs an action by id: from a key, the palette, or a button. */

import type { ActionId } from "../keyboard/actions";
import { activatable, takesText } from "../keyboard/dispatch";
import { closeModal, modal, openModal, prompt } from "../dialogs/state";
import type { Change } from "../edit/edit-input";
import { applyChange, currentTargets } from "./edit";
import {
  chooseView,
  clearSelection,
  extendSelection,
  loadSidebar,
  moveCursor,
  refreshList,
  toggleSelect,
} from "./inbox";
import { clearSearch, focusSearch, saveSearch, searchFocused } from "./search";
import { currentRow, info, knownAssignees, selected, sidebar, source, ticket, unfoldAll } from "./state";
import { closeTicket, openTicket } from "./ticket";
import { closeComposer, openComposer, openOutbox, openTemplates, pickTemplate, sendDraft, undoSend } from "../compose/run";
import { composer } from "../compose/state";
import { openNewConversation } from "../compose/conversation";
import { closeReports, openReports } from "../reports/run";
import { reportsOpen } from "../reports/state";

const CHANGES: Partial<Record<ActionId, Change>> = {
  close: { field: "status", value: "closed" },
  pending: { field: "status", value: "pending" },
  reopen: { field: "status", value: "open" },
  wake: { field: "snooze", value: "" },
  "assign-me": { field: "assign", value: "me" },
  unassign: { field: "assign", value: "" },
  "kind-bug": { field: "kind", value: "bug" },
  "kind-feature": { field: "kind", value: "feature" },
  "kind-question": { field: "kind", value: "question" },
  "kind-other": { field: "kind", value: "other" },
  "kind-clear": { field: "kind", value: "" },
  "priority-urgent": { field: "priority", value: "urgent" },
  "priority-high": { field: "priority", value: "high" },
  "priority-normal": { field: "priority", value: "normal" },
  "priority-low": { field: "priority", value: "low" },
  "priority-clear": { field: "priority", value: "" },
  "impact-must-have": { field: "impact", value: "must-have" },
  "impact-nice-to-have": { field: "impact", value: "nice-to-have" },
  "impact-clear": { field: "impact", value: "" },
};

function assigneeSuggestions(): string[] {
  const me = info.value?.me?.email;
  return ["me", ...[...knownAssignees.value].filter((a) => a !== me).sort()];
}

/** Moving through the list takes focus off a clicked button, so Enter then opens a ticket. */
export function focusList(): void {
  if (activatable(document.activeElement)) document.getElementById("ticket-list")?.focus({ preventScroll: true });
}

/** j/k in the ticket view move to the next ticket and open it. */
function move(delta: number): void {
  focusList();
  moveCursor(delta);
  const row = currentRow.value;
  if (ticket.value && row && row.id !== ticket.value.id) void openTicket(row.id);
}

/** Escape: the innermost thing closes first. */
function back(): void {
  if (modal.value) return closeModal();
  const active = document.activeElement as HTMLElement | null;
  if (searchFocused()) {
    void clearSearch();
    active?.blur();
    return;
  }
  // The composer closes before its ticket (its draft is kept for next time).
  if (composer.value) return closeComposer();
  // Leaving a field (a half-written note) comes before closing what it belongs to.
  if (takesText(active)) return active?.blur();
  if (ticket.value) return closeTicket();
  if (reportsOpen.value) return closeReports();
  if (selected.value.size > 0) return clearSelection();
  if (source.value.by === "query") {
    void clearSearch();
    return;
  }
  active?.blur?.();
}

export function runAction(id: ActionId, targets?: string[] | null): void {
  const change = CHANGES[id];
  if (change) {
    void applyChange(change, targets ?? currentTargets());
    return;
  }
  const view = /^view-(\d+)$/.exec(id);
  if (view) {
    const v = sidebar.value?.counts.views[Number(view[1]) - 1];
    if (v) chooseView(v.view);
    return;
  }
  switch (id) {
    case "move-down":
      return move(1);
    case "move-up":
      return move(-1);
    case "open": {
      const row = currentRow.value;
      if (row) void openTicket(row.id);
      return;
    }
    case "back":
      return back();
    case "unfold-all":
      if (ticket.value) unfoldAll.value++;
      return;
    case "snooze": {
      const t = currentTargets();
      return prompt({
        id: "prompt-snooze",
        title: t.length > 1 ? `Snooze ${t.length} tickets until` : "Snooze until",
        value: "1d",
        placeholder: "4h, 2d, 1w, 2026-12-01",
        hint: "A duration (30m, 4h, 2d, 1w) or a date. The ticket comes back by itself.",
        submit: (v) => void applyChange({ field: "snooze", value: v }, t),
      });
    }
    case "assign": {
      const t = currentTargets();
      return prompt({
        id: "prompt-assign",
        title: t.length > 1 ? `Assign ${t.length} tickets to` : "Assign to",
        value: "me",
        placeholder: "me, or an address",
        suggestions: assigneeSuggestions(),
        submit: (v) => void applyChange({ field: "assign", value: v }, t),
      });
    }
    case "tag": {
      const t = currentTargets();
      return prompt({
        id: "prompt-tag",
        title: t.length > 1 ? `Tag ${t.length} tickets` : "Tag",
        value: "",
        placeholder: "login, -spam",
        hint: "Tags to add; -tag removes one.",
        suggestions: (sidebar.value?.counts.tags ?? []).map((x) => x.name),
        submit: (v) => void applyChange({ field: "tags", value: v }, t),
      });
    }
    case "note":
      return void openComposer("note");
    case "reply":
      return void openComposer("reply");
    case "reply-all":
      return void openComposer("reply-all");
    case "forward":
      return void openComposer("forward");
    case "compose-new":
      return openNewConversation();
    case "send":
      return void sendDraft();
    case "template-pick":
      return void pickTemplate();
    case "undo-send":
      return void undoSend();
    case "outbox":
      return openOutbox();
    case "templates":
      return openTemplates();
    case "select":
      return toggleSelect();
    case "extend-down":
      focusList();
      return extendSelection(1);
    case "extend-up":
      focusList();
      return extendSelection(-1);
    case "select-none":
      return clearSelection();
    case "search":
      return focusSearch();
    case "save-search":
      return saveSearch();
    case "refresh":
      void loadSidebar();
      void refreshList();
      return;
    case "palette":
      if (modal.value?.type === "palette") return closeModal();
      return openModal({ type: "palette" });
    case "shortcuts":
      return openModal({ type: "shortcuts" });
    case "reports":
      return reportsOpen.value ? closeReports() : openReports();
    case "settings":
      return openModal({ type: "settings" });
  }
}
