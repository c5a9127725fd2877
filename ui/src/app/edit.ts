/** Changing tickets: one EditInput applied to the targets, then everything shown catches up. */

import * as api from "../api/commands";
import { buildEdit, editTargets, type Change } from "../edit/edit-input";
import { clearSelection, loadSidebar, refreshList, replaceRows } from "./inbox";
import { currentRow, selected, ticket } from "./state";
import { reloadTicket } from "./ticket";
import { showError, showInfo } from "./toast";

/** The selection, else the open ticket, else the current row. */
export function currentTargets(): string[] {
  return editTargets([...selected.value], ticket.value?.id ?? null, currentRow.value?.id ?? null);
}

function done(change: Change): string {
  switch (change.field) {
    case "status":
      return { open: "Reopened", pending: "Marked pending", closed: "Closed" }[change.value];
    case "snooze":
      return change.value.trim() ? `Snoozed until ${change.value.trim()}` : "Woken";
    case "assign":
      return change.value.trim() ? `Assigned to ${change.value.trim()}` : "Unassigned";
    case "tags":
    case "tag-remove":
      return "Tags changed";
    case "kind":
      return change.value ? `Kind: ${change.value}` : "Kind cleared";
    case "priority":
      return change.value ? `Priority: ${change.value}` : "Priority cleared";
    case "impact":
      return change.value ? `Impact: ${change.value}` : "Impact cleared";
    case "note":
      return "Note added";
  }
}

/** Applies a change; resolves true when it was saved. */
export async function applyChange(change: Change, targets: string[] = currentTargets()): Promise<boolean> {
  const built = buildEdit(change);
  if ("error" in built) {
    showError({ kind: "usage", message: built.error });
    return false;
  }
  if (targets.length === 0) {
    showError({ kind: "usage", message: "No ticket to change: move to one with j and k first." });
    return false;
  }
  const bulk = targets.length > 1 || selected.value.size > 0;
  try {
    const rows = await api.ticketsEdit(targets, built.edit);
    replaceRows(rows);
  } catch (error) {
    showError(error);
    return false;
  }
  showInfo(targets.length > 1 ? `${done(change)} · ${targets.length} tickets` : done(change));
  if (bulk) clearSelection();
  const open = ticket.value?.id;
  await Promise.all([
    loadSidebar(),
    refreshList(),
    open && targets.includes(open) ? reloadTicket() : Promise.resolve(),
  ]);
  return true;
}
