/**
 * #new-conversation: a message that starts a conversation, from one of the accounts' main
 * address. Ctrl/Cmd-Enter sends (after the undo window, like a reply); Escape closes and keeps
 * the draft for next time. What stops it shows in the dialog.
 */

import { info, sidebar } from "../app/state";
import { closeModal } from "../dialogs/state";
import { Modal } from "../dialogs/Modal";
import { editNew, sendNew } from "./conversation";
import { newDraft, newError } from "./state";

const MOD = () => (info.value?.platform === "macos" ? "⌘" : "Ctrl");

export function NewConversation() {
  const d = newDraft.value;
  if (!d) return null;
  const accounts = sidebar.value?.accounts ?? [];
  const error = newError.value;
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === "Enter") {
      e.preventDefault();
      void sendNew();
    }
  };
  return (
    <Modal id="new-conversation" label="New conversation" onClose={closeModal} wide>
      {/* Not a form: Enter in To or Subject must not send it. */}
      <div class="new-conversation" onKeyDown={onKeyDown}>
        <h2>New conversation</h2>
        <label class="composer-field">
          <span>From</span>
          <select id="new-from" value={d.account} onChange={(e) => editNew({ account: e.currentTarget.value })}>
            {accounts.length === 0 && <option value="">No account can send</option>}
            {accounts.map((a) => (
              <option key={a.name} value={a.name}>
                {a.email} ({a.name})
              </option>
            ))}
          </select>
        </label>
        <label class="composer-field">
          <span>To</span>
          <input
            id="new-to"
            data-autofocus
            type="text"
            value={d.to}
            autocomplete="off"
            spellcheck={false}
            placeholder="jo@example.com, sam@example.com"
            onInput={(e) => editNew({ to: e.currentTarget.value })}
          />
        </label>
        <label class="composer-field">
          <span>Cc</span>
          <input
            id="new-cc"
            type="text"
            value={d.cc}
            autocomplete="off"
            spellcheck={false}
            onInput={(e) => editNew({ cc: e.currentTarget.value })}
          />
        </label>
        <label class="composer-field">
          <span>Subject</span>
          <input id="new-subject" type="text" value={d.subject} autocomplete="off" onInput={(e) => editNew({ subject: e.currentTarget.value })} />
        </label>
        <textarea
          id="new-body"
          rows={9}
          value={d.text}
          aria-label="Message"
          placeholder="Write your message…"
          onInput={(e) => editNew({ text: e.currentTarget.value })}
        />
        {error && (
          <p id="new-error" class="composer-error" role="alert">
            {error}
          </p>
        )}
        <div class="buttons">
          <button type="button" id="new-close" class="ghost" onClick={closeModal}>
            Close <kbd>Esc</kbd>
          </button>
          <button type="button" id="new-send" class="primary" onClick={() => void sendNew()}>
            Send <kbd>{MOD()} Enter</kbd>
          </button>
        </div>
        <p class="hint">Once its copy is in Sent, the conversation is a ticket like any other. The draft stays when you close this.</p>
      </div>
    </Modal>
  );
}
