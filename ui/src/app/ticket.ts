/** The open ticket: opening, reloading after a change, closing. */

import * as api from "../api/commands";
import { markRead } from "./inbox";
import { markTicketData } from "./marks";
import { ticket } from "./state";
import { showError } from "./toast";
import { followTicket } from "../compose/state";

let opening = 0;

export async function openTicket(id: string, focus?: "note"): Promise<void> {
  const mine = ++opening;
  followTicket(id);
  const same = ticket.value?.id === id ? ticket.value.page : null;
  ticket.value = { id, page: same, focus };
  try {
    const page = await api.ticketOpen(id);
    if (mine !== opening) return;
    markTicketData();
    ticket.value = { id, page, focus };
    markRead(id);
  } catch (error) {
    if (mine !== opening) return;
    if (!same) ticket.value = null;
    showError(error);
  }
}

export function reloadTicket(): Promise<void> {
  const t = ticket.value;
  return t ? openTicket(t.id) : Promise.resolve();
}

export function closeTicket(): void {
  opening++;
  followTicket(null);
  ticket.value = null;
}
