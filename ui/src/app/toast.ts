/** Messages in the corner (#toast): errors from any command, and short confirmations. */

import { toCommandError } from "../api/error";
import { toasts } from "./state";

let next = 1;

function push(text: string, error: ReturnType<typeof toCommandError> | undefined, ms: number): void {
  const id = next++;
  toasts.value = [...toasts.value.slice(-3), { id, text, error }];
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

/** Shows whatever a command rejected with. Every caught failure ends here. */
export function showError(error: unknown): void {
  const e = toCommandError(error);
  push(e.message, e, 10_000);
}

export function showInfo(text: string): void {
  push(text, undefined, 3_500);
}
