import { describe, expect, it } from "vitest";
import { syncText } from "./sync-state";

const now = Date.parse("2026-11-23T12:00:00Z");

describe("sync state lines", () => {
  it("shows progress with thousands separators", () => {
    expect(syncText({ state: "syncing", folder: "INBOX", done: 1204, total: 5000 }, now)).toBe(
      "Syncing INBOX 1,204/5,000",
    );
    expect(syncText({ state: "syncing", folder: "Sent", done: 0, total: 0 }, now)).toBe("Syncing Sent");
  });

  it("says how fresh a current account is", () => {
    expect(syncText({ state: "current", last_sync: "2026-11-23T11:58:00Z" }, now)).toBe("Up to date · 2 min ago");
  });

  it("explains trouble", () => {
    expect(syncText({ state: "offline", error: "dns", since: "2026-11-23T11:00:00Z" }, now)).toBe(
      "Offline — retrying",
    );
    expect(syncText({ state: "failed", kind: "auth", error: "wrong password" }, now)).toBe(
      "Sign-in failed: wrong password",
    );
    expect(syncText({ state: "failed", kind: "io", error: "disk full" }, now)).toBe("Sync stopped: disk full");
    expect(syncText({ state: "idle", last_sync: null }, now)).toBe("Not synced yet");
  });
});
