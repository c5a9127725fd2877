/**
 * Building the one change `tickets_edit` applies to every selected ticket. An absent (null)
 * field is left alone; an empty string clears it (see src/engine/edit.rs).
 */

import type { EditInput } from "../api/bindings";

export function editOf(fields: Partial<EditInput>): EditInput {
  return {
    status: null,
    snooze: null,
    assign: null,
    tags_add: [],
    tags_remove: [],
    kind: null,
    priority: null,
    impact: null,
    note: null,
    ...fields,
  };
}

/** What a bulk-bar button, a key or the side panel asks for. */
export type Change =
  | { field: "status"; value: "open" | "pending" | "closed" }
  | { field: "snooze"; value: string }
  | { field: "assign"; value: string }
  | { field: "tags"; value: string }
  | { field: "tag-remove"; value: string }
  | { field: "kind"; value: string }
  | { field: "priority"; value: string }
  | { field: "impact"; value: string }
  | { field: "note"; value: string };

export type Built = { edit: EditInput } | { error: string };

const KINDS = ["bug", "feature", "question", "other"];
const PRIORITIES = ["urgent", "high", "normal", "low"];
const IMPACTS = ["must-have", "nice-to-have"];

function oneOf(name: string, value: string, allowed: string[]): Built {
  const v = value.trim().toLowerCase();
  if (v === "" || v === "none") return { edit: editOf({ [name]: "" }) };
  if (!allowed.includes(v)) return { error: `${name} is one of ${allowed.join(", ")}, not "${value.trim()}"` };
  return { edit: editOf({ [name]: v }) };
}

/**
 * Tags as typed: "login, billing -spam" adds login and billing and removes spam. Commas and
 * spaces both separate.
 */
export function tagsEdit(text: string): Built {
  const add: string[] = [];
  const remove: string[] = [];
  for (const word of text.split(/[\s,]+/)) {
    if (!word) continue;
    if (word.startsWith("-")) {
      if (word.length > 1) remove.push(word.slice(1));
    } else {
      add.push(word.replace(/^\+/, ""));
    }
  }
  if (add.length + remove.length === 0) return { error: "type a tag (or -tag to remove one)" };
  return { edit: editOf({ tags_add: unique(add), tags_remove: unique(remove) }) };
}

function unique(words: string[]): string[] {
  return [...new Set(words.filter(Boolean))];
}

export function buildEdit(change: Change): Built {
  switch (change.field) {
    case "status":
      return { edit: editOf({ status: change.value }) };
    case "snooze": {
      const v = change.value.trim();
      return { edit: editOf({ snooze: v }) };
    }
    case "assign": {
      const v = change.value.trim();
      if (v && v.toLowerCase() !== "me" && v.toLowerCase() !== "none" && !/^[^\s@]+@[^\s@]+$/.test(v)) {
        return { error: `assign to an email address or "me", not "${v}"` };
      }
      return { edit: editOf({ assign: v.toLowerCase() === "me" ? "me" : v }) };
    }
    case "tags":
      return tagsEdit(change.value);
    case "tag-remove":
      return change.value.trim() ? { edit: editOf({ tags_remove: [change.value.trim()] }) } : { error: "no tag to remove" };
    case "kind":
      return oneOf("kind", change.value, KINDS);
    case "priority":
      return oneOf("priority", change.value, PRIORITIES);
    case "impact":
      return oneOf("impact", change.value, IMPACTS);
    case "note":
      return change.value.trim() ? { edit: editOf({ note: change.value }) } : { error: "the note is empty" };
  }
}

/**
 * What an action applies to: the selected tickets if any, else the open ticket, else the
 * current row.
 */
export function editTargets(selected: readonly string[], open: string | null, current: string | null): string[] {
  if (selected.length > 0) return [...selected];
  if (open) return [open];
  return current ? [current] : [];
}
