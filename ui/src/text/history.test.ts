import { describe, expect, it } from "vitest";
import type { HistoryLine } from "../api/bindings";
import { historySentence } from "./history";
import { nameFromAddress, personName } from "./people";

const now = Date.parse("2026-11-23T12:00:00Z");

function line(actor: string, what: string, at: string): HistoryLine {
  return { op: "op1", at, actor, what, change: { type: "status", status: "closed" } };
}

describe("history sentences", () => {
  const me = { name: "Maya Lopez", email: "maya@acme.io" };

  it("names me by my name", () => {
    expect(historySentence(line("MAYA@acme.io", "closed this", "2026-11-23T10:00:00Z"), me, now)).toBe(
      "Maya Lopez closed this · 2 h ago",
    );
  });

  it("names a teammate by the capitalised local part", () => {
    expect(historySentence(line("tom@acme.io", "tagged this login", "2026-11-20T12:00:00Z"), me, now)).toBe(
      "Tom tagged this login · 3 d ago",
    );
    expect(historySentence(line("tom@acme.io", "added a note", "2026-11-23T11:59:30Z"), null, now)).toBe(
      "Tom added a note · just now",
    );
  });

  it("splits dotted local parts into words", () => {
    expect(nameFromAddress("jean-luc.picard@fleet.org")).toBe("Jean Luc Picard");
    expect(personName("", null)).toBe("");
  });
});
