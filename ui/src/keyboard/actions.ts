/**
 * Every action a person can run, with its shortcut as the shortcut sheet and the palette show
 * it. The dispatcher maps keys to these ids; the app runs them (see app/commands-run.ts).
 */

export type ActionId =
  | "move-down"
  | "move-up"
  | "open"
  | "back"
  | "unfold-all"
  | "close"
  | "pending"
  | "reopen"
  | "snooze"
  | "wake"
  | "assign"
  | "assign-me"
  | "unassign"
  | "tag"
  | "kind-bug"
  | "kind-feature"
  | "kind-question"
  | "kind-other"
  | "kind-clear"
  | "priority-urgent"
  | "priority-high"
  | "priority-normal"
  | "priority-low"
  | "priority-clear"
  | "impact-must-have"
  | "impact-nice-to-have"
  | "impact-clear"
  | "note"
  | "reply"
  | "reply-all"
  | "forward"
  | "compose-new"
  | "send"
  | "template-pick"
  | "undo-send"
  | "outbox"
  | "templates"
  | "select"
  | "extend-down"
  | "extend-up"
  | "select-none"
  | "search"
  | "save-search"
  | "palette"
  | "shortcuts"
  | "settings"
  | "refresh"
  | "reports"
  | `view-${number}`;

export interface Action {
  id: ActionId;
  title: string;
  /** As shown: "j", "k b", "Ctrl K", "Shift J"; empty when only the palette runs it. */
  keys: string;
  group: "Move" | "Triage" | "Answer" | "Select" | "Go" | "App";
}

/** The fixed actions; views are added from the sidebar's list at run time. */
export const ACTIONS: Action[] = [
  { id: "move-down", title: "Next ticket", keys: "j", group: "Move" },
  { id: "move-up", title: "Previous ticket", keys: "k", group: "Move" },
  { id: "open", title: "Open ticket", keys: "Enter", group: "Move" },
  { id: "back", title: "Back / close", keys: "Esc", group: "Move" },
  { id: "unfold-all", title: "Show every message of the ticket", keys: ";", group: "Move" },
  { id: "close", title: "Close ticket", keys: "e", group: "Triage" },
  { id: "pending", title: "Mark pending", keys: "p", group: "Triage" },
  { id: "reopen", title: "Reopen ticket", keys: "Shift E", group: "Triage" },
  { id: "snooze", title: "Snooze…", keys: "s", group: "Triage" },
  { id: "wake", title: "Wake (end snooze)", keys: "", group: "Triage" },
  { id: "assign", title: "Assign…", keys: "a", group: "Triage" },
  { id: "assign-me", title: "Assign to me", keys: "", group: "Triage" },
  { id: "unassign", title: "Unassign", keys: "", group: "Triage" },
  { id: "tag", title: "Tag…", keys: "t", group: "Triage" },
  { id: "kind-bug", title: "Kind: bug", keys: "k b", group: "Triage" },
  { id: "kind-feature", title: "Kind: feature", keys: "k f", group: "Triage" },
  { id: "kind-question", title: "Kind: question", keys: "k q", group: "Triage" },
  { id: "kind-other", title: "Kind: other", keys: "k o", group: "Triage" },
  { id: "kind-clear", title: "Kind: clear", keys: "", group: "Triage" },
  { id: "priority-urgent", title: "Priority: urgent", keys: "", group: "Triage" },
  { id: "priority-high", title: "Priority: high", keys: "", group: "Triage" },
  { id: "priority-normal", title: "Priority: normal", keys: "", group: "Triage" },
  { id: "priority-low", title: "Priority: low", keys: "", group: "Triage" },
  { id: "priority-clear", title: "Priority: clear", keys: "", group: "Triage" },
  { id: "impact-must-have", title: "Impact: must-have", keys: "", group: "Triage" },
  { id: "impact-nice-to-have", title: "Impact: nice-to-have", keys: "", group: "Triage" },
  { id: "impact-clear", title: "Impact: clear", keys: "", group: "Triage" },
  { id: "reply", title: "Reply", keys: "r", group: "Answer" },
  { id: "reply-all", title: "Reply to all", keys: "Shift R", group: "Answer" },
  { id: "forward", title: "Forward…", keys: "f", group: "Answer" },
  { id: "note", title: "Internal note (never sent)", keys: "n", group: "Answer" },
  { id: "compose-new", title: "New conversation…", keys: "c", group: "Answer" },
  { id: "template-pick", title: "Insert a template…", keys: "Ctrl Shift T", group: "Answer" },
  { id: "send", title: "Send (reply, forward, new) / save note", keys: "Ctrl Enter", group: "Answer" },
  { id: "undo-send", title: "Undo send", keys: "z", group: "Answer" },
  { id: "outbox", title: "Outbox", keys: "", group: "Answer" },
  { id: "templates", title: "Manage templates", keys: "", group: "Answer" },
  { id: "select", title: "Select / unselect", keys: "x", group: "Select" },
  { id: "extend-down", title: "Extend selection down", keys: "Shift J", group: "Select" },
  { id: "extend-up", title: "Extend selection up", keys: "Shift K", group: "Select" },
  { id: "select-none", title: "Clear selection", keys: "", group: "Select" },
  { id: "search", title: "Search", keys: "/", group: "Go" },
  { id: "save-search", title: "Save this search", keys: "", group: "Go" },
  { id: "refresh", title: "Refresh list", keys: "", group: "Go" },
  { id: "reports", title: "Reports", keys: "g", group: "Go" },
  { id: "palette", title: "Command palette", keys: "Ctrl K", group: "App" },
  { id: "shortcuts", title: "Keyboard shortcuts", keys: "?", group: "App" },
  { id: "settings", title: "Settings", keys: "", group: "App" },
];

/** The action for a view's number key (1–9) in sidebar order. */
export function viewAction(position: number, title: string): Action {
  return {
    id: `view-${position}`,
    title: `Go to ${title}`,
    keys: position <= 9 ? String(position) : "",
    group: "Go",
  };
}
