/** Answering: opening the composer, templates, sending, undo, retry and cancel. */

import * as api from "../api/commands";
import type { Item } from "../api/bindings";
import { loadSidebar, refreshList } from "../app/inbox";
import { currentRow, ticket } from "../app/state";
import { openTicket, reloadTicket } from "../app/ticket";
import { showError, showInfo } from "../app/toast";
import { closeModal, modal, openModal } from "../dialogs/state";
import { insertAt, sendable, unfilled } from "./placeholders";
import { composer, drafts, outboxItems, pendingSend, templates, type Draft, type Mode } from "./state";

function focusComposer(): void {
  requestAnimationFrame(() => {
    const input = document.getElementById("composer-input") as HTMLTextAreaElement | null;
    if (!input) return;
    input.focus();
    const at = composer.value?.caret ?? input.value.length;
    input.setSelectionRange(at, at);
  });
}

/** Opens the composer on the open ticket (else opens the current row's ticket first). */
export async function openComposer(mode: Mode): Promise<void> {
  let id = ticket.value?.id;
  if (!id) {
    const row = currentRow.value;
    if (!row) {
      showError({ kind: "usage", message: "No ticket to answer: move to one with j and k first." });
      return;
    }
    id = row.id;
    await openTicket(id);
  }
  const open = composer.value;
  if (open && open.ticket === id) {
    composer.value = { ...open, mode };
  } else {
    if (open) drafts.set(open.ticket, open);
    const kept = drafts.get(id);
    // A kept note stays a note; a kept reply becomes the reply mode asked for.
    composer.value = kept && (kept.mode === "note") === (mode === "note") ? { ...kept, mode } : { ticket: id, mode, text: "", template: null, caret: null };
  }
  focusComposer();
}

/** Closes the composer, keeping its text for the next time on that ticket. */
export function closeComposer(): void {
  const open = composer.value;
  if (!open) return;
  if (open.text.trim()) drafts.set(open.ticket, open);
  else drafts.delete(open.ticket);
  composer.value = null;
  document.getElementById("ticket-view")?.focus({ preventScroll: true });
}

export function editDraft(text: string, caret: number | null): void {
  const open = composer.value;
  if (open) composer.value = { ...open, text, caret };
}

export async function loadTemplates(): Promise<void> {
  try {
    templates.value = await api.templatesList();
  } catch (error) {
    showError(error);
  }
}

/** Ctrl/Cmd-Shift-T: the template picker (a reply composer opens first when none is). */
export async function pickTemplate(): Promise<void> {
  // Templates are replies: a note composer turns into one.
  if (!composer.value || composer.value.mode === "note") await openComposer("reply");
  if (!composer.value) return;
  openModal({ type: "template-pick" });
  void loadTemplates();
}

/** Fills template `name` for the composer's ticket and inserts it at the caret. */
export async function insertTemplate(name: string): Promise<void> {
  const open = composer.value;
  closeModal();
  if (!open) return;
  try {
    const filled = await api.templateFill(open.ticket, name);
    const now = composer.value;
    if (!now || now.ticket !== open.ticket) return;
    const text = insertAt(now.text, filled.body, now.caret);
    composer.value = { ...now, text, template: filled.template.name, caret: null };
    if (filled.missing.length > 0) showInfo(`Fill in before sending: ${filled.missing.map((m) => `{{${m}}}`).join(", ")}`);
  } catch (error) {
    showError(error);
  }
  focusComposer();
}

/** Ctrl/Cmd-Enter: sends the reply (after the undo window) or saves the note. */
export async function sendDraft(): Promise<void> {
  const d = composer.value;
  if (!d) return;
  if (!sendable(d.text)) {
    const left = unfilled(d.text);
    showError({
      kind: "usage",
      message: left.length > 0 ? `Fill in ${left.map((n) => `{{${n}}}`).join(", ")} before sending.` : "Write something first.",
    });
    return;
  }
  try {
    if (d.mode === "note") {
      await api.note(d.ticket, d.text);
      showInfo("Note added");
    } else {
      const item = await api.reply({ ticket: d.ticket, body: d.text, all: d.mode === "reply-all", template: d.template });
      pendingSend.value = { item, draft: d };
    }
  } catch (error) {
    showError(error);
    return;
  }
  drafts.delete(d.ticket);
  if (composer.value?.ticket === d.ticket) composer.value = null;
  document.getElementById("ticket-view")?.focus({ preventScroll: true });
  await afterOutboxChange(d.ticket);
}

/** z or the Undo button: cancels the reply and brings its draft back into the composer. */
export async function undoSend(): Promise<void> {
  const p = pendingSend.value;
  if (!p) return;
  try {
    await api.outboxCancel(p.item.id);
  } catch (error) {
    showError(error);
    return;
  }
  pendingSend.value = null;
  drafts.set(p.draft.ticket, p.draft);
  if (ticket.value?.id === p.draft.ticket) {
    composer.value = { ...p.draft, caret: null };
    focusComposer();
  }
  showInfo("Not sent: the draft is back");
  await afterOutboxChange(p.draft.ticket);
}

export async function cancelItem(item: Item): Promise<void> {
  try {
    await api.outboxCancel(item.id);
    showInfo("Cancelled: it will not be sent");
  } catch (error) {
    showError(error);
  }
  if (pendingSend.value?.item.id === item.id) pendingSend.value = null;
  await afterOutboxChange(item.ticket);
}

export async function retryItem(item: Item): Promise<void> {
  try {
    await api.outboxRetry(item.id);
    showInfo("Sending again");
  } catch (error) {
    showError(error);
  }
  await afterOutboxChange(item.ticket);
}

export async function loadOutbox(): Promise<void> {
  try {
    outboxItems.value = await api.outboxList();
  } catch (error) {
    showError(error);
  }
}

export function openOutbox(): void {
  openModal({ type: "outbox" });
  void loadOutbox();
}

export function openTemplates(): void {
  openModal({ type: "templates" });
  void loadTemplates();
}

/** The outbox changed (here or in the background): everything showing it catches up. */
export async function afterOutboxChange(ticketId?: string | null, changed: Item[] = []): Promise<void> {
  const p = pendingSend.value;
  if (p) {
    const now = changed.find((i) => i.id === p.item.id);
    if (now && now.state !== "queued") pendingSend.value = null;
    else if (now) pendingSend.value = { ...p, item: now };
  }
  const open = ticket.value;
  const shows = open?.page?.detail.outgoing.some((o) => changed.some((c) => c.id === o.id));
  const reload = open && (ticketId === open.id || shows || changed.some((c) => c.ticket === open.id));
  await Promise.all([
    loadSidebar(),
    refreshList(),
    reload ? reloadTicket() : Promise.resolve(),
    modal.value?.type === "outbox" ? loadOutbox() : Promise.resolve(),
  ]);
}

export type { Draft };
