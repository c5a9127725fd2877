/** The undo window's countdown, and how outgoing messages' states read. */

import type { Item } from "../api/bindings";

/** Whole seconds until `due` (unix seconds), never below 0. */
export function secondsLeft(due: number, nowMs: number): number {
  return Math.max(0, Math.ceil(due - nowMs / 1000));
}

/** The undo bar's words: "Sending in 9 s", then "Sending…". */
export function undoText(due: number, nowMs: number): string {
  const left = secondsLeft(due, nowMs);
  return left > 0 ? `Sending in ${left} s` : "Sending…";
}

/** Plain words for an error kind of the outbox (`Item.error_kind`). */
export function errorTitle(kind: string | null): string {
  switch (kind) {
    case "auth":
      return "Authentication failed";
    case "credential":
      return "No password for the SMTP server";
    case "recipient":
      return "Recipient refused";
    case "too_large":
      return "Message too large";
    case "network":
      return "Server unreachable";
    case "timeout":
      return "The server did not answer in time";
    case "deferred":
      return "The server asked to try later";
    case "refused":
      return "The server refused the message";
    case "tls":
      return "Secure connection failed";
    case "uncertain":
      return "Maybe sent: the server's answer was lost";
    case "config":
      return "The account cannot send";
    case "sent_copy":
      return "Sent, but the copy in Sent failed";
    default:
      return kind ? `Failed (${kind})` : "Failed";
  }
}

/** The badge of an outgoing message at `nowMs`. */
export function stateLabel(item: Item, nowMs: number): string {
  switch (item.state) {
    case "queued":
      if (item.attempts > 0) return `retrying in ${secondsLeft(item.due, nowMs)} s`;
      return secondsLeft(item.due, nowMs) > 0 ? undoText(item.due, nowMs).toLowerCase() : "sending…";
    case "sending":
      return "sending…";
    case "sent":
      return "sent";
    case "failed":
      return "failed";
    case "held":
      return "held: maybe sent";
  }
}

/** Whether the person can still cancel it, and retry it. */
export const cancellable = (item: Item) => item.state === "queued" || item.state === "failed" || item.state === "held";
export const retryable = (item: Item) => item.state === "failed" || item.state === "held" || (item.state === "queued" && item.attempts > 0);

/** Waiting or needing the person: what the sidebar counts. */
export const waiting = (item: Item) => item.state === "queued" || item.state === "failed" || item.state === "held";
