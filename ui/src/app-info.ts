/** What the `app_info` command returns (see src-tauri/src/main.rs). */
export interface AppInfo {
  name: string;
  version: string;
}

/** The shape every failed command rejects with. */
export interface CommandError {
  kind: string;
  message: string;
}

/** "Siphon 0.1.0", or just the name when the version is unknown. */
export function formatTitle(info: AppInfo): string {
  const name = info.name.trim() || "Siphon";
  const version = info.version.trim();
  return version ? `${name} ${version}` : name;
}

function isCommandError(value: unknown): value is CommandError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>).kind === "string" &&
    typeof (value as Record<string, unknown>).message === "string"
  );
}

/** A one-line explanation of whatever a command rejected with. */
export function describeError(error: unknown): string {
  if (isCommandError(error)) {
    return `${error.message} (${error.kind})`;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
