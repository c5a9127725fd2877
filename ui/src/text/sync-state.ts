/** One line per account in the sidebar saying where its sync stands. */

import type { SyncState } from "../api/bindings";
import { ago } from "./time";

const n = (x: number) => x.toLocaleString("en-US");

export function syncText(state: SyncState, now: number = Date.now()): string {
  switch (state.state) {
    case "syncing":
      return state.total > 0 ? `Syncing ${state.folder} ${n(state.done)}/${n(state.total)}` : `Syncing ${state.folder}`;
    case "current":
      return `Up to date · ${ago(state.last_sync, now)}`;
    case "idle":
      return state.last_sync ? `Synced · ${ago(state.last_sync, now)}` : "Not synced yet";
    case "offline":
      return "Offline — retrying";
    case "failed":
      switch (state.kind) {
        case "auth":
          return `Sign-in failed: ${state.error}`;
        case "tls":
          return `Certificate refused: ${state.error}`;
        default:
          return `Sync stopped: ${state.error}`;
      }
  }
}

/** Whether the line is a problem the person should look at. */
export function syncTrouble(state: SyncState): "none" | "offline" | "failed" {
  if (state.state === "failed") return "failed";
  if (state.state === "offline") return "offline";
  return "none";
}
