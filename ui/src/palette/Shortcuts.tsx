/** ?: the keyboard shortcuts, grouped. */

import { closeModal } from "../dialogs/state";
import { Modal } from "../dialogs/Modal";
import { ACTIONS } from "../keyboard/actions";

const GROUPS = ["Move", "Triage", "Answer", "Select", "Go", "App"] as const;

export function Shortcuts() {
  return (
    <Modal id="shortcuts" label="Keyboard shortcuts" onClose={closeModal} wide>
      <h2>Keyboard shortcuts</h2>
      <div class="shortcut-groups">
        {GROUPS.map((g) => (
          <section key={g}>
            <h3>{g}</h3>
            <dl>
              {ACTIONS.filter((a) => a.group === g && a.keys).map((a) => (
                <div key={a.id} class="shortcut">
                  <dt>
                    <kbd>{a.keys}</kbd>
                  </dt>
                  <dd>{a.title}</dd>
                </div>
              ))}
              {g === "Go" && (
                <div class="shortcut">
                  <dt>
                    <kbd>1</kbd>…<kbd>9</kbd>
                  </dt>
                  <dd>Go to a view (sidebar order)</dd>
                </div>
              )}
            </dl>
          </section>
        ))}
      </div>
      <p class="hint">
        Single keys never act while you type in a field; Esc, Ctrl K, Ctrl Enter and Ctrl Shift T always do. <kbd>f</kbd> forwards the
        ticket’s last message (each message also has its own Forward button). In an open ticket the same keys act on
        it. <kbd>k</kbd> then <kbd>b</kbd> within a moment sets the kind of the ticket you were on before the <kbd>k</kbd>.
      </p>
      <div class="buttons">
        <button type="button" onClick={closeModal}>
          Close
        </button>
      </div>
    </Modal>
  );
}
