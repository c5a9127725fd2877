/**
 * #composer: the draft under the open ticket. A reply (or reply to all) leaves after the undo
 * window; a forward too, to the addresses in its To field, with the message attached whole;
 * a note is internal and never sent, and looks it. Placeholders left from a template are
 * listed above the text, and Send stays off until none remains. What stops a send (here or in
 * the engine) shows above the buttons.
 */

import { useEffect, useRef } from "preact/hooks";
import type { TicketPage } from "../api/bindings";
import { info } from "../app/state";
import { modal } from "../dialogs/state";
import { fullDate } from "../text/time";
import { closeComposer, editDraft, editTo, openComposer, pickTemplate, sendDraft, startsInTo } from "./run";
import { sendable, unfilled } from "./placeholders";
import { composer, composerError, type Draft, type Mode } from "./state";

const MOD = () => (info.value?.platform === "macos" ? "⌘" : "Ctrl");

const MODES: [Mode, string][] = [
  ["reply", "Reply (r)"],
  ["reply-all", "Reply all (⇧R)"],
  ["forward", "Forward (f)"],
  ["note", "Note (n)"],
];

/** Which message a forward carries, as the header says it. */
function forwarded(page: TicketPage, d: Draft): string {
  const all = page.detail.messages;
  const m = all.find((x) => x.message_id === d.message) ?? all[all.length - 1];
  return m ? `${m.from}’s message of ${fullDate(m.date)}` : "the last message";
}

export function Composer({ page }: { page: TicketPage }) {
  const d = composer.value;
  const ref = useRef<HTMLTextAreaElement>(null);
  const toRef = useRef<HTMLInputElement>(null);
  const mode = d?.mode;
  useEffect(() => {
    // Effects run after paint: a dialog opened meanwhile (Ctrl-Shift-T at once) keeps the focus.
    if (d && !modal.value) (startsInTo(d) ? toRef : ref).current?.focus();
  }, [mode]);
  if (!d || d.ticket !== page.detail.ticket.id) return null;
  const note = d.mode === "note";
  const forward = d.mode === "forward";
  const left = unfilled(d.text);
  const to = page.detail.ticket.customer ?? "the customer";
  const error = composerError.value;
  const caret = (e: Event) => {
    const t = e.currentTarget as HTMLTextAreaElement;
    editDraft(t.value, t.selectionStart);
  };
  return (
    <section
      id="composer"
      class={note ? "composer note-mode" : "composer"}
      data-mode={d.mode}
      aria-label={note ? "Internal note" : forward ? "Forward" : "Reply"}
    >
      <header class="composer-head">
        <div class="segmented" role="group" aria-label="Mode">
          {MODES.map(([m, label]) => (
            <button
              key={m}
              type="button"
              class={d.mode === m ? "active" : ""}
              aria-pressed={d.mode === m}
              data-mode={m}
              onClick={() => void openComposer(m)}
            >
              {label}
            </button>
          ))}
        </div>
        <span class="composer-to">
          {note
            ? "Internal: only the team sees this, it is never sent"
            : forward
              ? `Forwarding ${forwarded(page, d)}, attached whole`
              : d.mode === "reply-all"
                ? `To ${to} and everyone on the thread`
                : `To ${to}`}
        </span>
        {d.template && !note && !forward && (
          <span id="composer-template" class="chip" title="Its status, kind and tags apply when the reply is sent">
            {d.template}
          </span>
        )}
      </header>
      {left.length > 0 && (
        <div id="composer-missing" class="composer-missing" role="alert">
          Fill in before sending: {left.map((n) => <code key={n}>{`{{${n}}}`}</code>)}
        </div>
      )}
      {forward && (
        <label class="composer-field">
          <span>To</span>
          <input
            id="composer-to"
            ref={toRef}
            type="text"
            value={d.to}
            autocomplete="off"
            spellcheck={false}
            placeholder="jo@example.com, sam@example.com"
            onInput={(e) => editTo(e.currentTarget.value)}
          />
        </label>
      )}
      <textarea
        id="composer-input"
        ref={ref}
        rows={forward ? 4 : 7}
        value={d.text}
        aria-label={note ? "Internal note" : forward ? "Note above the forwarded message" : "Reply text"}
        placeholder={
          note
            ? "A note for the team (never sent)"
            : forward
              ? "A few words above the forwarded message (optional)"
              : `Write your reply… ${MOD()} Shift T inserts a template`
        }
        onInput={caret}
        onKeyUp={caret}
        onClick={caret}
      />
      {error && (
        <p id="composer-error" class="composer-error" role="alert">
          {error}
        </p>
      )}
      <footer class="composer-foot">
        <button
          type="button"
          id="composer-send"
          class="primary"
          disabled={forward ? left.length > 0 : !sendable(d.text)}
          onClick={() => void sendDraft()}
        >
          {note ? "Add note" : forward ? "Forward" : "Send"} <kbd>{MOD()} Enter</kbd>
        </button>
        {!note && !forward && (
          <button type="button" id="composer-template-open" class="ghost" onClick={() => void pickTemplate()}>
            Template <kbd>{MOD()} Shift T</kbd>
          </button>
        )}
        <button type="button" id="composer-close" class="ghost" onClick={closeComposer}>
          Close <kbd>Esc</kbd>
        </button>
      </footer>
    </section>
  );
}
