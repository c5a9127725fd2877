/** The outgoing messages of a ticket (or of the outbox), each with its state and what to do. */

import type { Item } from "../api/bindings";
import { now } from "../app/state";
import { ago } from "../text/time";
import { cancellable, errorTitle, retryable, stateLabel } from "./countdown";
import { cancelItem, retryItem } from "./run";
import { useEffect, useState } from "preact/hooks";

/** Re-renders every half second while something counts down. */
function useTicking(on: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setTick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [on]);
  return Date.now();
}

export function OutgoingItem({ item, nowMs, showSubject }: { item: Item; nowMs: number; showSubject?: boolean }) {
  return (
    <li class={`outgoing-item ${item.state}`} data-id={item.id} data-state={item.state} data-purpose={item.purpose} data-message-id={item.message_id}>
      <div class="outgoing-line">
        <span class={`badge out-state ${item.state}`}>{stateLabel(item, nowMs)}</span>
        <span class="outgoing-to">
          {item.purpose === "forward" ? "Forward to " : item.purpose === "new" ? "To " : "Reply to "}
          {item.to.join(", ")}
        </span>
        {showSubject && <span class="outgoing-subject">{item.subject}</span>}
        <span class="muted outgoing-when">{ago((item.sent_at ?? item.created) * 1000, now.value)}</span>
      </div>
      {item.last_error && item.state !== "sent" && (
        <p class="outgoing-error" data-kind={item.error_kind ?? ""}>
          <strong>{errorTitle(item.error_kind)}</strong>: {item.last_error}
        </p>
      )}
      {(retryable(item) || cancellable(item)) && (
        <div class="outgoing-actions">
          {retryable(item) && (
            <button type="button" class="outgoing-retry" onClick={() => void retryItem(item)}>
              {item.state === "held" ? "Send again" : "Retry now"}
            </button>
          )}
          {cancellable(item) && (
            <button type="button" class="outgoing-cancel ghost" onClick={() => void cancelItem(item)}>
              Cancel
            </button>
          )}
        </div>
      )}
    </li>
  );
}

export function OutgoingList({ items, id, showSubject }: { items: Item[]; id: string; showSubject?: boolean }) {
  const nowMs = useTicking(items.some((i) => i.state === "queued" || i.state === "sending"));
  return (
    <ul id={id} class="outgoing">
      {items.map((i) => (
        <OutgoingItem key={i.id} item={i} nowMs={nowMs} showSubject={showSubject} />
      ))}
    </ul>
  );
}
