import { describe, expect, it } from "vitest";
import { fuzzyFilter, fuzzyScore } from "./fuzzy";

const titles = [
  "Next ticket",
  "Close ticket",
  "Kind: bug",
  "Kind: feature",
  "Assign to me",
  "Assign…",
  "Keyboard shortcuts",
  "Go to Open",
  "Go to Closed",
];
const filter = (q: string) => fuzzyFilter(titles, q, (t) => t);

describe("palette fuzzy filter", () => {
  it("keeps everything for an empty query", () => {
    expect(filter("  ")).toEqual(titles);
  });

  it("needs every letter in order, ignoring case and spaces", () => {
    expect(fuzzyScore("ktb", "Kind: bug")).toBeNull();
    expect(fuzzyScore("KB", "Kind: bug")).not.toBeNull();
    expect(filter("kind bug")).toEqual(["Kind: bug"]);
    expect(filter("zzz")).toEqual([]);
  });

  it("ranks word starts and runs first", () => {
    expect(filter("close")[0]).toBe("Close ticket");
    expect(filter("ks")[0]).toBe("Keyboard shortcuts");
    expect(filter("feat")).toEqual(["Kind: feature"]);
  });

  it("prefers the shorter of two equal matches", () => {
    expect(filter("assign")).toEqual(["Assign…", "Assign to me"]);
    expect(filter("go open")).toEqual(["Go to Open"]);
  });
});
