/** #outbox: every outgoing message still to show, newest first, with Retry and Cancel. */

import { openTicket } from "../app/ticket";
import { closeModal } from "../dialogs/state";
import { Modal } from "../dialogs/Modal";
import { OutgoingList } from "./Outgoing";
import { outboxItems } from "./state";

export function OutboxView() {
  const items = outboxItems.value;
  const sorted = [...(items ?? [])].sort((a, b) => b.created - a.created);
  const withTicket = sorted.filter((i) => i.ticket);
  return (
    <Modal id="outbox" label="Outbox" onClose={closeModal} wide>
      <h2>Outbox</h2>
      <p class="hint">Replies, forwards and new conversations waiting for their undo window, being sent, failed or held, and those sent until their copy comes back from the server.</p>
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : sorted.length === 0 ? (
        <p class="muted" id="outbox-empty">
          Nothing waiting: everything has left.
        </p>
      ) : (
        <OutgoingList id="outbox-list" items={sorted} showSubject />
      )}
      <div class="buttons">
        {withTicket.length > 0 && (
          <button
            type="button"
            class="ghost"
            onClick={() => {
              closeModal();
              void openTicket(withTicket[0]!.ticket!);
            }}
          >
            Open the newest one's ticket
          </button>
        )}
        <button type="button" onClick={closeModal}>
          Close
        </button>
      </div>
    </Modal>
  );
}
