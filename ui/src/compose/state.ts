/**
 * The composer's state: the open draft (one ticket at a time), drafts kept per ticket when the
 * composer closes, the new conversation being written, the message that waits out its undo
 * window, the team's templates and the outbox as last read.
 */

import { signal } from "@preact/signals";
import type { Item, Template } from "../api/bindings";

export type Mode = "reply" | "reply-all" | "forward" | "note";

export interface Draft {
  ticket: string;
  mode: Mode;
  text: string;
  /** A forward's recipients as typed (split when sent). */
  to: string;
  /** The message a forward carries; null: the ticket's last one. */
  message: string | null;
  /** The template the text came from: its status, kind and tags go with the reply. */
  template: string | null;
  /** Where the caret was, for inserting a template. */
  caret: number | null;
}

/** The draft being written, shown under the open ticket. */
export const composer = signal<Draft | null>(null);

/** Drafts of closed composers, by ticket id (Escape keeps the text). */
export const drafts = new Map<string, Draft>();

/** The composer's last refusal (the engine's message, or what is missing), shown in it. */
export const composerError = signal<string | null>(null);

/** A new conversation as written in its dialog; kept when the dialog closes. */
export interface NewDraft {
  /** The account's name. */
  account: string;
  to: string;
  cc: string;
  subject: string;
  text: string;
}

export const newDraft = signal<NewDraft | null>(null);

/** The new-conversation dialog's last refusal. */
export const newError = signal<string | null>(null);

/** What undo brings back: a ticket's draft, or a new conversation. */
export type Sent = { item: Item; draft: Draft } | { item: Item; fresh: NewDraft };

/** The last message sent, while it can be undone (and until its state is known). */
export const pendingSend = signal<Sent | null>(null);

/** The team's templates, read when first needed. */
export const templates = signal<Template[] | null>(null);

/** The outbox, while its view is up. */
export const outboxItems = signal<Item[] | null>(null);

/** The composer closes when another ticket opens, or none (its draft kept). */
export function followTicket(id: string | null): void {
  const open = composer.value;
  if (open && open.ticket !== id) {
    if (open.text.trim() || open.to.trim()) drafts.set(open.ticket, open);
    composer.value = null;
    composerError.value = null;
  }
}
