/**
 * The composer's state: the open draft (one ticket at a time), drafts kept per ticket when the
 * composer closes, the reply that waits out its undo window, the team's templates and the
 * outbox as last read.
 */

import { signal } from "@preact/signals";
import type { Item, Template } from "../api/bindings";

export type Mode = "reply" | "reply-all" | "note";

export interface Draft {
  ticket: string;
  mode: Mode;
  text: string;
  /** The template the text came from: its status, kind and tags go with the reply. */
  template: string | null;
  /** Where the caret was, for inserting a template. */
  caret: number | null;
}

/** The draft being written, shown under the open ticket. */
export const composer = signal<Draft | null>(null);

/** Drafts of closed composers, by ticket id (Escape keeps the text). */
export const drafts = new Map<string, Draft>();

/** The last reply sent, while it can be undone (and until its state is known). */
export const pendingSend = signal<{ item: Item; draft: Draft } | null>(null);

/** The team's templates, read when first needed. */
export const templates = signal<Template[] | null>(null);

/** The outbox, while its view is up. */
export const outboxItems = signal<Item[] | null>(null);

/** The composer closes when another ticket opens, or none (its draft kept). */
export function followTicket(id: string | null): void {
  const open = composer.value;
  if (open && open.ticket !== id) {
    if (open.text.trim()) drafts.set(open.ticket, open);
    composer.value = null;
  }
}
