import { describe, expect, it } from "vitest";
import { estimate, tagsThatFit } from "./chips";

/** Every character 6 px wide: a chip is 6n + 12, with 4 between chips. */
const six = (text: string) => text.length * 6;

describe("tag chips that fit a row", () => {
  it("shows every tag when there is room", () => {
    // open 36, bug 30, a 18, b 18: 36 + 4 + 30 + 4 + 18 + 4 + 18 = 114.
    expect(tagsThatFit(["open", "bug"], ["a", "b"], 3, 114, six)).toBe(2);
  });

  it("leaves out the tags that would not fit whole, with room to count them", () => {
    // a and "+1" (120) are wider than a and b (114): one pixel short, neither tag shows.
    expect(tagsThatFit(["open", "bug"], ["a", "b"], 3, 113, six)).toBe(0);
    // open, bug, a, "+1": 120; a and billing would take 150.
    expect(tagsThatFit(["open", "bug"], ["a", "billing"], 3, 130, six)).toBe(1);
  });

  it("keeps room for the +N chip counting the rest", () => {
    // open 36 + 4 + billing 54 = 94; "+1" needs 4 + 24 more: 122.
    expect(tagsThatFit(["open"], ["billing", "eu"], 1, 122, six)).toBe(1);
    expect(tagsThatFit(["open"], ["billing", "eu"], 1, 121, six)).toBe(0);
  });

  it("shows no more than its slots", () => {
    expect(tagsThatFit([], ["a", "b", "c", "d", "e"], 3, 10_000, six)).toBe(3);
  });

  it("shows no tag when the other badges fill the room", () => {
    expect(tagsThatFit(["open", "not a ticket", "question", "normal", "nice-to-have"], ["a"], 3, 200, six)).toBe(0);
  });

  it("needs no other badge to place a tag first", () => {
    expect(tagsThatFit([], ["billing"], 3, 54, six)).toBe(1);
    expect(tagsThatFit([], ["billing"], 3, 53, six)).toBe(0);
  });

  it("estimates wide enough for the words a team tags with", () => {
    // Measured in the app's 11px chips: "integration" 61 px of text, "windows" 48.
    expect(estimate("integration")).toBeGreaterThanOrEqual(61);
    expect(estimate("windows")).toBeGreaterThanOrEqual(44);
  });
});
