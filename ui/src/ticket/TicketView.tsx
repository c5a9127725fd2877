/**
 * #ticket-view: the open ticket. The conversation on the left (each message in its sandboxed
 * frame), the side panel on the right. `data-id` is set once the ticket has loaded.
 *
 * A conversation opens with the messages whose bodies came with the page (the first and the
 * latest); the ones between are folded to a line, as a mail client folds a long thread, and
 * open one by one (click, Enter) or all at once (`;`). A message once open stays open while the
 * ticket is, even when new mail makes it no longer the latest.
 */

import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { TicketPage } from "../api/bindings";
import { markTicketFrames, markTicketRendered, markTicketShown } from "../app/marks";
import { ticket, unfoldAll } from "../app/state";
import { closeTicket } from "../app/ticket";
import { Composer } from "../compose/Composer";
import { OutgoingList } from "../compose/Outgoing";
import { Message } from "./Message";
import { SidePanel } from "./SidePanel";

export function Conversation({ page }: { page: TicketPage }) {
  const messages = page.detail.messages;
  const bodies = new Map(page.bodies.map((b) => [b.message_id, b]));
  // Open: what came with a page of this ticket, and what a person unfolded.
  const opened = useRef<Set<string> | null>(null);
  if (!opened.current) opened.current = new Set(bodies.keys());
  for (const id of bodies.keys()) opened.current.add(id);
  const [, setUnfolded] = useState(0);
  const allAt = useRef(unfoldAll.value);
  if (unfoldAll.value !== allAt.current) {
    allAt.current = unfoldAll.value;
    for (const m of messages) opened.current.add(m.message_id);
  }
  const unfold = (id: string) => {
    opened.current?.add(id);
    setUnfolded((n) => n + 1);
  };
  // The ticket is on screen once every message it opened with is.
  const firstOpen = useRef([...opened.current]);
  const shown = useRef(new Set<string>());
  const marked = useRef(false);
  const [blocked, setBlocked] = useState<ReadonlySet<string>>(new Set());

  const onShown = (id: string) => {
    shown.current.add(id);
    if (!marked.current && firstOpen.current.every((m) => shown.current.has(m))) {
      marked.current = true;
      markTicketFrames();
      requestAnimationFrame(markTicketShown);
    }
  };
  useLayoutEffect(markTicketRendered, []);
  useEffect(() => {
    if (messages.length === 0 && !marked.current) {
      marked.current = true;
      requestAnimationFrame(markTicketShown);
    }
  }, []);
  const onBlocked = (id: string, is: boolean) =>
    setBlocked((b) => {
      if (b.has(id) === is) return b;
      const next = new Set(b);
      if (is) next.add(id);
      else next.delete(id);
      return next;
    });
  const firstBlocked = messages.find((m) => blocked.has(m.message_id))?.message_id;

  return (
    <div class="conversation">
      {messages.map((m) => (
        <Message
          key={m.message_id}
          line={m}
          initial={bodies.get(m.message_id)}
          folded={!opened.current?.has(m.message_id)}
          imageIds={m.message_id === firstBlocked}
          onUnfold={unfold}
          onShown={onShown}
          onBlocked={onBlocked}
        />
      ))}
      {page.detail.outgoing.length > 0 && (
        <section class="outgoing-section" aria-label="Outgoing">
          <h3>Outgoing</h3>
          <OutgoingList id="ticket-outgoing" items={page.detail.outgoing} />
        </section>
      )}
    </div>
  );
}

export function TicketView() {
  const open = ticket.value;
  const section = useRef<HTMLElement>(null);
  const page = open?.page;
  const focus = open?.focus;
  useEffect(() => {
    if (page && focus === "note") document.getElementById("composer-input")?.focus();
  }, [page, focus]);
  if (!open) return null;
  if (!page) {
    return (
      <section id="ticket-view" class="loading" aria-busy="true" aria-label="Ticket">
        <p class="muted">Opening…</p>
      </section>
    );
  }
  const t = page.detail.ticket;
  return (
    <section id="ticket-view" ref={section} data-id={t.id} tabIndex={-1} aria-label={`Ticket: ${t.subject}`}>
      <header class="ticket-head">
        <button type="button" id="ticket-close" class="icon-button" aria-label="Close ticket view (Esc)" title="Back (Esc)" onClick={closeTicket}>
          ←
        </button>
        <h2 class="ticket-subject">{t.subject || "(no subject)"}</h2>
        <span id="ticket-status" class={`badge status ${t.status}`}>
          {t.status}
        </span>
        <span id="ticket-kind" class={t.kind ? `badge kind ${t.kind}` : "badge kind none"}>
          {t.kind ?? ""}
        </span>
        {t.priority && <span class={`badge priority ${t.priority}`}>{t.priority}</span>}
        {t.impact && <span class="badge impact">{t.impact}</span>}
      </header>
      <p class="ticket-sub">
        {t.customer ?? "Unknown customer"}
        {t.organisation && <> · {t.organisation}</>}
        {" · "}
        {t.customer_messages + t.team_messages === 1 ? "1 message" : `${t.customer_messages + t.team_messages} messages`}
        {t.accounts.length > 0 && <> · {t.accounts.join(", ")}</>}
      </p>
      <div class="ticket-body">
        <div class="ticket-main">
          <Conversation key={t.id} page={page} />
          <Composer page={page} />
        </div>
        <SidePanel page={page} />
      </div>
    </section>
  );
}
