/**
 * Keys to actions, as a pure function of (state, key) so it is tested without a DOM.
 *
 * Rules:
 * - Escape and the chords Ctrl/Cmd-K (palette), Ctrl/Cmd-Enter (send) and Ctrl/Cmd-Shift-T
 *   (template picker) always act, even while typing: they type no text. Every other shortcut is
 *   ignored while focus is in a text field, a select or contenteditable (the caller says so in
 *   `typing`), so `r`, `n`, `f`, `c` or `z` typed into a reply stay letters.
 * - Other keys with Ctrl, Cmd or Alt are left to the browser (copy, paste …).
 * - `k` moves up at once and also arms a kind prefix for {@link KIND_PREFIX_MS}: `b`, `f`, `q`
 *   or `o` within that time sets the kind (bug, feature, question, other) on the tickets that
 *   were the target *before* the `k` (the caller passes the current targets with every key; the
 *   prefix keeps the ones it saw). So `k b` never tags the ticket above by accident.
 */

import type { ActionId } from "./actions";

export const KIND_PREFIX_MS = 800;

export interface KeyInput {
  key: string;
  ctrl: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
  /** Focus is in a place that takes text. */
  typing: boolean;
  /** Focus is on a button or link, which Enter activates (so Enter is not "open"). */
  onControl?: boolean;
  /** Milliseconds, any monotonic clock. */
  time: number;
}

export interface DispatchState {
  prefix: { at: number; targets: string[] } | null;
}

export interface Dispatched {
  action: ActionId | null;
  /** The tickets a prefixed action applies to (else the caller's current targets). */
  targets: string[] | null;
  state: DispatchState;
}

export const initialDispatch: DispatchState = { prefix: null };

const KIND_KEYS: Record<string, ActionId> = {
  b: "kind-bug",
  f: "kind-feature",
  q: "kind-question",
  o: "kind-other",
};

/** Plain keys (no Ctrl, Cmd or Alt). Shift shows in the key itself ("J", "?"). */
const KEYS: Record<string, ActionId> = {
  j: "move-down",
  ArrowDown: "move-down",
  k: "move-up",
  ArrowUp: "move-up",
  Enter: "open",
  e: "close",
  p: "pending",
  E: "reopen",
  s: "snooze",
  a: "assign",
  t: "tag",
  n: "note",
  r: "reply",
  R: "reply-all",
  f: "forward",
  c: "compose-new",
  z: "undo-send",
  x: "select",
  J: "extend-down",
  K: "extend-up",
  "/": "search",
  g: "reports",
  "?": "shortcuts",
  ";": "unfold-all",
};

const none = (state: DispatchState): Dispatched => ({ action: null, targets: null, state });

export function dispatch(state: DispatchState, input: KeyInput, targets: string[]): Dispatched {
  const mod = input.ctrl || input.meta;
  const cleared: DispatchState = { prefix: null };
  if (mod && !input.alt && input.key.toLowerCase() === "k") return { action: "palette", targets: null, state: cleared };
  if (mod && !input.alt && input.key === "Enter") return { action: "send", targets: null, state: cleared };
  if (mod && !input.alt && input.shift && input.key.toLowerCase() === "t") {
    return { action: "template-pick", targets: null, state: cleared };
  }
  if (input.key === "Escape") return { action: "back", targets: null, state: cleared };
  if (input.typing) return none(state);
  if (input.key === "Enter" && input.onControl) return none({ prefix: null });
  if (mod || input.alt) return none(cleared);
  // Modifier keys pressed alone (Shift before J) leave a prefix armed.
  if (input.key === "Shift" || input.key === "Control" || input.key === "Meta" || input.key === "Alt") return none(state);

  const prefix = state.prefix;
  if (prefix && input.time - prefix.at <= KIND_PREFIX_MS) {
    const kind = KIND_KEYS[input.key];
    if (kind) return { action: kind, targets: prefix.targets, state: cleared };
  }
  if (input.key === "k") {
    return { action: "move-up", targets: null, state: { prefix: { at: input.time, targets } } };
  }
  if (/^[1-9]$/.test(input.key)) return { action: `view-${Number(input.key)}`, targets: null, state: cleared };
  return { action: KEYS[input.key] ?? null, targets: null, state: cleared };
}

/** Whether Enter on this element does something of its own (a button, a link). */
export function activatable(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName.toUpperCase();
  if (tag === "BUTTON" || tag === "SUMMARY") return true;
  if (tag === "A" && el.getAttribute("href") !== null) return true;
  return tag === "INPUT" && ["checkbox", "radio", "button", "submit", "reset"].includes((el.getAttribute("type") ?? "").toLowerCase());
}

/** Whether an element takes typed text (so single-key shortcuts must not fire there). */
export function takesText(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = (el.getAttribute("type") ?? "text").toLowerCase();
    return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(type);
  }
  if ((el as HTMLElement).isContentEditable) return true;
  const editable = el.getAttribute("contenteditable");
  return editable !== null && editable !== "false";
}
