/** #undo-bar: "Sending in 9 s · Undo" while the last reply waits out its undo window. */

import { useEffect, useState } from "preact/hooks";
import { undoText, secondsLeft } from "./countdown";
import { undoSend } from "./run";
import { pendingSend } from "./state";

export function UndoBar() {
  const p = pendingSend.value;
  // The timer only re-renders; the time is read at render, never a stale first value.
  const [, setTick] = useState(0);
  const nowMs = Date.now();
  useEffect(() => {
    if (!p) return;
    const timer = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, [p?.item.id]);
  useEffect(() => {
    // The answer may never come (the app was busy): the bar does not stay for ever.
    if (p && secondsLeft(p.item.due, nowMs) === 0 && nowMs / 1000 > p.item.due + 60) pendingSend.value = null;
  }, [nowMs]);
  if (!p) return null;
  const open = secondsLeft(p.item.due, nowMs) > 0;
  return (
    <div id="undo-bar" role="status" data-state={open ? "waiting" : "sending"} data-message-id={p.item.message_id}>
      <span id="undo-text">{undoText(p.item.due, nowMs)}</span>
      <span class="muted"> to {p.item.to.join(", ")}</span>
      {open && (
        <button type="button" id="undo-send" class="link-button" onClick={() => void undoSend()}>
          Undo <kbd>z</kbd>
        </button>
      )}
    </div>
  );
}
