import { describe, expect, it } from "vitest";
import { pagesOf, revealRow, rowWindow } from "./window";

const base = { rowHeight: 50, height: 500, overscan: 5, total: 100_000 };

describe("virtual window", () => {
  it("renders the visible rows plus overscan below at the top", () => {
    expect(rowWindow({ ...base, scrollTop: 0 })).toEqual({ start: 0, end: 16 });
  });

  it("adds overscan on both sides in the middle", () => {
    // First visible row 2000; 11 rows cover 500px at any offset; 5 either side.
    expect(rowWindow({ ...base, scrollTop: 100_000 })).toEqual({ start: 1995, end: 2016 });
    expect(rowWindow({ ...base, scrollTop: 100_025 })).toEqual({ start: 1995, end: 2016 });
  });

  it("stops at the end of the list", () => {
    expect(rowWindow({ ...base, scrollTop: 99_995 * 50 })).toEqual({ start: 99_990, end: 100_000 });
    // A scrollTop past the end (the list shrank) still shows the last rows.
    expect(rowWindow({ ...base, scrollTop: 10_000_000 })).toEqual({ start: 99_994, end: 100_000 });
  });

  it("handles short and empty lists", () => {
    expect(rowWindow({ ...base, total: 3, scrollTop: 0 })).toEqual({ start: 0, end: 3 });
    expect(rowWindow({ ...base, total: 0, scrollTop: 0 })).toEqual({ start: 0, end: 0 });
    expect(rowWindow({ ...base, height: 0, scrollTop: 0 })).toEqual({ start: 0, end: 6 });
  });

  it("keeps the DOM small whatever the length", () => {
    const w = rowWindow({ ...base, scrollTop: 3_333_333 });
    expect(w.end - w.start).toBeLessThanOrEqual(21);
  });

  it("scrolls as little as possible to reveal a row", () => {
    expect(revealRow(5, 50, 0, 500)).toBe(0);
    expect(revealRow(10, 50, 0, 500)).toBe(50);
    expect(revealRow(3, 50, 400, 500)).toBe(150);
    expect(revealRow(0, 50, 0, 20)).toBe(0);
  });

  it("names the pages a window needs", () => {
    expect(pagesOf({ start: 95, end: 205 }, 100)).toEqual([0, 1, 2]);
    expect(pagesOf({ start: 0, end: 100 }, 100)).toEqual([0]);
    expect(pagesOf({ start: 0, end: 0 }, 100)).toEqual([]);
  });
});
