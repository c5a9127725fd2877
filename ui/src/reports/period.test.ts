import { describe, expect, it } from "vitest";
import { exportName, periodOf, validDays } from "./period";

// Wednesday 18 November 2026, in ISO week 47 (16–22 November).
const today = new Date(2026, 10, 18, 15, 30);

describe("periodOf", () => {
  it("gives whole ISO weeks, Monday to Sunday", () => {
    expect(periodOf("this-week", today)).toEqual({ from: "2026-11-16", to: "2026-11-22" });
    expect(periodOf("last-week", today)).toEqual({ from: "2026-11-09", to: "2026-11-15" });
    expect(periodOf("last-4-weeks", today)).toEqual({ from: "2026-10-26", to: "2026-11-22" });
  });
  it("treats Sunday as the end of its week, not the start of the next", () => {
    expect(periodOf("this-week", new Date(2026, 10, 22))).toEqual({ from: "2026-11-16", to: "2026-11-22" });
    expect(periodOf("this-week", new Date(2026, 10, 23))).toEqual({ from: "2026-11-23", to: "2026-11-29" });
  });
  it("crosses months and years", () => {
    expect(periodOf("this-month", today)).toEqual({ from: "2026-11-01", to: "2026-11-30" });
    expect(periodOf("this-month", new Date(2028, 1, 10))).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(periodOf("last-week", new Date(2027, 0, 6))).toEqual({ from: "2026-12-28", to: "2027-01-03" });
    expect(periodOf("last-90-days", today)).toEqual({ from: "2026-08-21", to: "2026-11-18" });
  });
  it("uses custom days only when they make sense", () => {
    expect(periodOf("custom", today, { from: "2026-01-01", to: "2026-01-31" })).toEqual({
      from: "2026-01-01",
      to: "2026-01-31",
    });
    expect(periodOf("custom", today, { from: "2026-02-01", to: "2026-01-31" })).toEqual({
      from: "2026-11-18",
      to: "2026-11-18",
    });
    expect(validDays({ from: "2026-1-1", to: "2026-01-31" })).toMatch(/YYYY-MM-DD/);
    expect(validDays({ from: "2026-02-01", to: "2026-01-31" })).toMatch(/before/);
  });
});

it("names an export after its days", () => {
  expect(exportName({ from: "2026-11-16", to: "2026-11-22" }, "xlsx")).toBe("siphon-2026-11-16_2026-11-22.xlsx");
});
