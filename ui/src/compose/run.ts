/** Answering: opening the composer (reply, forward, note), templates, sending, undo, retry and cancel. */

import * as api from "../api/commands";
import type { Item } from "../api/bindings";
import { loadSidebar, refreshList } from "../app/inbox";
import { currentRow, ticket } from "../app/state";
import { openTicket, reloadTicket } from "../app/ticket";
import { toCommandError } from "../api/error";
import { showError, showInfo } from "../app/toast";
import { closeModal, modal, openModal } from "../dialogs/state";
import { forwardProblem, parseAddresses } from "./addresses";
import { insertAt, sendable, unfilled } from "./placeholders";
import { composer, composerError, drafts, newDraft, outboxItems, pendingSend, templates, type Draft, type Mode } from "./state";

/** A forward with no one to go to yet starts in its To field; everything else in the text. */
export function startsInTo(d: Draft): boolean {
  return d.mode === "forward" && !d.to.trim();
}

function focusComposer(): void {
  requestAnimationFrame(() => {
    // A dialog that opened meanwhile (the template picker on a quick Ctrl-Shift-T) keeps it.
    if (modal.value) return;
    const d = composer.value;
    if (d && startsInTo(d)) {
      document.getElementById("composer-to")?.focus();
      return;
    }
    const input = document.getElementById("composer-input") as HTMLTextAreaElement | null;
    if (!input) return;
    input.focus();
    const at = d?.caret ?? input.value.length;
    input.setSelectionRange(at, at);
  });
}

/** A kept draft comes back in a mode of its own sort: a note stays a note, a forward a forward,
 * and a reply becomes the reply mode asked for. */
const sort = (m: Mode) => (m === "reply-all" ? "reply" : m);

/** Opens the composer on the open ticket (else opens the current row's ticket first). A forward
 * carries `message` (default: the ticket's last message). */
export async function openComposer(mode: Mode, message: string | null = null): Promise<void> {
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
  composerError.value = null;
  const open = composer.value;
  if (open && open.ticket === id) {
    composer.value = { ...open, mode, message: message ?? open.message };
  } else {
    if (open) drafts.set(open.ticket, open);
    const kept = drafts.get(id);
    composer.value =
      kept && sort(kept.mode) === sort(mode)
        ? { ...kept, mode, message: message ?? kept.message }
        : { ticket: id, mode, text: "", to: "", message, template: null, caret: null };
  }
  focusComposer();
}

/** Closes the composer, keeping its text for the next time on that ticket. */
export function closeComposer(): void {
  const open = composer.value;
  if (!open) return;
  if (open.text.trim() || open.to.trim()) drafts.set(open.ticket, open);
  else drafts.delete(open.ticket);
  composer.value = null;
  composerError.value = null;
  document.getElementById("ticket-view")?.focus({ preventScroll: true });
}

export function editDraft(text: string, caret: number | null): void {
  const open = composer.value;
  if (open && (open.text !== text || open.caret !== caret)) {
    composer.value = { ...open, text, caret };
    if (open.text !== text) composerError.value = null;
  }
}

/** A forward's To field as typed. */
export function editTo(to: string): void {
  const open = composer.value;
  if (open) composer.value = { ...open, to };
  composerError.value = null;
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
  // Templates are replies: a note (or forward) composer turns into one.
  if (!composer.value || composer.value.mode === "note" || composer.value.mode === "forward") await openComposer("reply");
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

/** Why the draft cannot go as it is, or null. */
function draftProblem(d: Draft): string | null {
  if (d.mode === "forward") return forwardProblem(d.to, d.text);
  if (sendable(d.text)) return null;
  const left = unfilled(d.text);
  return left.length > 0 ? `Fill in ${left.map((n) => `{{${n}}}`).join(", ")} before sending.` : "Write something first.";
}

/** Ctrl/Cmd-Enter: sends the reply or forward (after the undo window) or saves the note.
 * What stops it, here or in the engine, shows in the composer. */
export async function sendDraft(): Promise<void> {
  const d = composer.value;
  if (!d) return;
  const problem = draftProblem(d);
  if (problem) {
    composerError.value = problem;
    return;
  }
  try {
    if (d.mode === "note") {
      await api.note(d.ticket, d.text);
      showInfo("Note added");
    } else if (d.mode === "forward") {
      const item = await api.forward({ ticket: d.ticket, message_id: d.message, to: parseAddresses(d.to), body: d.text });
      pendingSend.value = { item, draft: d };
    } else {
      const item = await api.reply({ ticket: d.ticket, body: d.text, all: d.mode === "reply-all", template: d.template });
      pendingSend.value = { item, draft: d };
    }
  } catch (error) {
    composerError.value = toCommandError(error).message;
    return;
  }
  composerError.value = null;
  drafts.delete(d.ticket);
  if (composer.value?.ticket === d.ticket) composer.value = null;
  document.getElementById("ticket-view")?.focus({ preventScroll: true });
  await afterOutboxChange(d.ticket);
}

/** z or the Undo button: cancels the message and brings its draft back, into the composer or
 * the new-conversation dialog. */
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
  if ("fresh" in p) {
    newDraft.value = p.fresh;
    openModal({ type: "compose-new" });
    showInfo("Not sent: the message is back");
    await afterOutboxChange(null);
    return;
  }
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
