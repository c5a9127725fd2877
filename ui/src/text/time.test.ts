import { describe, expect, it } from "vitest";
import { age, ago } from "./time";

const now = Date.parse("2026-11-23T12:00:00Z");
const before = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

describe("relative time", () => {
  it("gives minutes, hours and days", () => {
    expect(age(before(10_000), now)).toBe("now");
    expect(age(before(5 * MIN), now)).toBe("5 min");
    expect(age(before(3 * H + 59 * MIN), now)).toBe("3 h");
    expect(age(before(2 * D + 5 * H), now)).toBe("2 d");
    expect(age(before(20 * D), now)).toBe("2 w");
  });

  it("says ago in sentences", () => {
    expect(ago(before(2 * H), now)).toBe("2 h ago");
    expect(ago(before(3 * D), now)).toBe("3 d ago");
    expect(ago(before(1000), now)).toBe("just now");
  });

  it("falls back to a date for old things, with the year when it differs", () => {
    expect(age("2026-03-14T12:00:00Z", now)).toBe("14 Mar");
    expect(age("2024-03-14T12:00:00Z", now)).toBe("14 Mar 2024");
    expect(ago("2024-03-14T12:00:00Z", now)).toBe("14 Mar 2024");
  });

  it("treats the future as now and garbage as nothing", () => {
    expect(age(before(-5 * MIN), now)).toBe("now");
    expect(age("not a date", now)).toBe("");
  });
});
