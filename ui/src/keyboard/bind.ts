/** Wires the pure dispatcher to the document: one keydown listener for the whole app. */

import type { ActionId } from "./actions";
import { activatable, dispatch, initialDispatch, takesText, type DispatchState } from "./dispatch";

export interface KeyHost {
  /** The tickets an action would apply to right now (the k-prefix remembers them). */
  targets: () => string[];
  /** A dialog is up: it handles its own keys; only the palette toggle passes. */
  modalOpen: () => boolean;
  run: (action: ActionId, targets: string[] | null) => void;
}

/** Handles one keydown; exported so message frames can forward theirs. */
export function makeKeyHandler(host: KeyHost): (e: KeyboardEvent) => void {
  let state: DispatchState = initialDispatch;
  return (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.isComposing) return;
    const active = (e.target as Element | null)?.ownerDocument?.activeElement ?? document.activeElement;
    const input = {
      key: e.key,
      ctrl: e.ctrlKey,
      meta: e.metaKey,
      alt: e.altKey,
      shift: e.shiftKey,
      typing: takesText(active),
      onControl: activatable(active),
      time: performance.now(),
    };
    const out = dispatch(state, input, host.targets());
    state = out.state;
    if (!out.action) return;
    if (host.modalOpen() && out.action !== "palette") return;
    e.preventDefault();
    host.run(out.action, out.targets);
  };
}

let forward: ((e: KeyboardEvent) => void) | null = null;

export function installKeys(host: KeyHost): () => void {
  const handler = makeKeyHandler(host);
  forward = handler;
  document.addEventListener("keydown", handler);
  return () => {
    document.removeEventListener("keydown", handler);
    if (forward === handler) forward = null;
  };
}

/** Keys pressed inside a message's frame act as if pressed in the app. */
export function forwardKey(e: KeyboardEvent): void {
  forward?.(e);
}
