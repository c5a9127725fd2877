/**
 * #composer: the draft under the open ticket. A reply (or reply to all) leaves after the undo
 * window; a note is internal and never sent, and looks it. Placeholders left from a template
 * are listed above the text, and Send stays off until none remains.
 */

import { useEffect, useRef } from "preact/hooks";
import type { TicketPage } from "../api/bindings";
import { info } from "../app/state";
import { closeComposer, editDraft, openComposer, pickTemplate, sendDraft } from "./run";
import { sendable, unfilled } from "./placeholders";
import { composer } from "./state";

const MOD = () => (info.value?.platform === "macos" ? "⌘" : "Ctrl");

export function Composer({ page }: { page: TicketPage }) {
  const d = composer.value;
  const ref = useRef<HTMLTextAreaElement>(null);
  const mode = d?.mode;
  useEffect(() => {
    if (mode) ref.current?.focus();
  }, [mode]);
  if (!d || d.ticket !== page.detail.ticket.id) return null;
  const note = d.mode === "note";
  const left = unfilled(d.text);
  const to = page.detail.ticket.customer ?? "the customer";
  const caret = (e: Event) => {
    const t = e.currentTarget as HTMLTextAreaElement;
    editDraft(t.value, t.selectionStart);
  };
  return (
    <section id="composer" class={note ? "composer note-mode" : "composer"} data-mode={d.mode} aria-label={note ? "Internal note" : "Reply"}>
      <header class="composer-head">
        <div class="segmented" role="group" aria-label="Mode">
          {(["reply", "reply-all", "note"] as const).map((m) => (
            <button
              key={m}
              type="button"
              class={d.mode === m ? "active" : ""}
              aria-pressed={d.mode === m}
              data-mode={m}
              onClick={() => void openComposer(m)}
            >
              {m === "reply" ? "Reply (r)" : m === "reply-all" ? "Reply all (⇧R)" : "Note (n)"}
            </button>
          ))}
        </div>
        <span class="composer-to">
          {note ? "Internal: only the team sees this, it is never sent" : d.mode === "reply-all" ? `To ${to} and everyone on the thread` : `To ${to}`}
        </span>
        {d.template && !note && (
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
      <textarea
        id="composer-input"
        ref={ref}
        rows={7}
        value={d.text}
        aria-label={note ? "Internal note" : "Reply text"}
        placeholder={note ? "A note for the team (never sent)" : `Write your reply… ${MOD()} Shift T inserts a template`}
        onInput={caret}
        onKeyUp={caret}
        onClick={caret}
      />
      <footer class="composer-foot">
        <button type="button" id="composer-send" class="primary" disabled={!sendable(d.text)} onClick={() => void sendDraft()}>
          {note ? "Add note" : "Send"} <kbd>{MOD()} Enter</kbd>
        </button>
        {!note && (
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
