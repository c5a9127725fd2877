/** c: a new conversation, written in its own dialog and sent from one of the accounts. Once its
 * Sent copy syncs back it is a ticket like any other. */

import * as api from "../api/commands";
import { toCommandError } from "../api/error";
import { sidebar } from "../app/state";
import { closeModal, modal, openModal } from "../dialogs/state";
import { newProblem, parseAddresses } from "./addresses";
import { afterOutboxChange } from "./run";
import { newDraft, newError, pendingSend, type NewDraft } from "./state";

/** Opens the dialog on the draft kept from last time, else a blank one from the first account. */
export function openNewConversation(): void {
  const accounts = sidebar.value?.accounts ?? [];
  const kept = newDraft.value;
  const account = kept && accounts.some((a) => a.name === kept.account) ? kept.account : (accounts[0]?.name ?? "");
  newDraft.value = { ...(kept ?? { to: "", cc: "", subject: "", text: "" }), account };
  newError.value = null;
  openModal({ type: "compose-new" });
}

export function editNew(change: Partial<NewDraft>): void {
  const d = newDraft.value;
  if (d) newDraft.value = { ...d, ...change };
  newError.value = null;
}

/** Ctrl/Cmd-Enter in the dialog: queues it (it leaves after the undo window, like a reply). */
export async function sendNew(): Promise<void> {
  const d = newDraft.value;
  if (!d) return;
  const problem = newProblem(d);
  if (problem) {
    newError.value = problem;
    return;
  }
  try {
    const item = await api.composeNew({
      account: d.account,
      to: parseAddresses(d.to),
      cc: parseAddresses(d.cc),
      subject: d.subject.trim(),
      body: d.text,
    });
    pendingSend.value = { item, fresh: d };
  } catch (error) {
    newError.value = toCommandError(error).message;
    return;
  }
  newDraft.value = null;
  newError.value = null;
  if (modal.value?.type === "compose-new") closeModal();
  await afterOutboxChange(null);
}
