/** Which dialog is up (one at a time); the Modals component renders it. */

import { signal } from "@preact/signals";

export interface PromptSpec {
  /** The dialog's id: #prompt-snooze, #prompt-assign … */
  id: string;
  title: string;
  value: string;
  placeholder?: string;
  hint?: string;
  suggestions?: string[];
  submit: (value: string) => void;
}

export type Modal =
  | { type: "palette" }
  | { type: "shortcuts" }
  | { type: "settings" }
  | { type: "template-pick" }
  | { type: "outbox" }
  | { type: "templates" }
  | { type: "compose-new" }
  | ({ type: "prompt" } & PromptSpec)
  | { type: "link"; url: string }
  | { type: "save"; messageId: string; index: number; name: string; path: string }
  | { type: "exec"; messageId: string; index: number; name: string; message: string };

export const modal = signal<Modal | null>(null);

export function openModal(m: Modal): void {
  modal.value = m;
}

export function closeModal(): void {
  modal.value = null;
}

export function prompt(spec: PromptSpec): void {
  modal.value = { type: "prompt", ...spec };
}
