/** The one shape failures take in the UI: `{ kind, message }` (see src-tauri/src/api.rs). */

import type { CommandError } from "./bindings";

export function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).kind === "string" &&
    typeof (value as Record<string, unknown>).message === "string"
  );
}

/** Whatever a call rejected with, as a CommandError (a missing bridge is kind `internal`). */
export function toCommandError(error: unknown): CommandError {
  if (isCommandError(error)) return { kind: error.kind, message: error.message };
  if (error instanceof Error) return { kind: "internal", message: error.message };
  return { kind: "internal", message: String(error) };
}
