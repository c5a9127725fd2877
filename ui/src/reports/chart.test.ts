import { describe, expect, it } from "vitest";
import { BOX, band, hours, isEmpty, linePaths, niceScale, stackBars, yOf } from "./chart";

describe("niceScale", () => {
  it("rounds up to 1, 2 or 5 times a power of ten", () => {
    expect(niceScale(7)).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceScale(100).max).toBe(100);
    expect(niceScale(101).max).toBe(150);
    expect(niceScale(0.3).ticks.at(-1)).toBeCloseTo(0.3);
  });
  it("is never zero wide, so nothing divides by zero", () => {
    expect(niceScale(0)).toEqual({ max: 1, ticks: [0, 1] });
    expect(niceScale(Number.NaN).max).toBe(1);
  });
});

describe("bars", () => {
  it("stack kinds bottom-up in a fixed order and leave empty kinds out", () => {
    const { max, columns } = stackBars([{ byKind: { bug: 1, question: 3 } }, { byKind: {} }]);
    expect(max).toBe(4);
    expect(columns[1]).toEqual([]);
    const [bug, question] = columns[0] ?? [];
    if (!bug || !question) throw new Error("two segments");
    expect(bug.kind).toBe("bug");
    expect(question.kind).toBe("question");
    const bottom = BOX.height - BOX.bottom;
    expect(bug.y + bug.h).toBeCloseTo(bottom);
    expect(question.y + question.h).toBeCloseTo(bug.y);
    expect(question.y).toBeCloseTo(BOX.top);
  });
  it("share the width between weeks", () => {
    const a = band(0, 4);
    const b = band(3, 4);
    expect(a.x).toBeGreaterThanOrEqual(BOX.left);
    expect(b.x + b.w).toBeLessThanOrEqual(BOX.width - BOX.right);
    expect(band(0, 0).w).toBeGreaterThan(0);
  });
});

describe("lines", () => {
  it("break where a week has no value", () => {
    const { paths, points } = linePaths([1, 2, null, 4], 4);
    expect(paths).toHaveLength(2);
    expect(paths[0]).toMatch(/^M[^M]*L/);
    expect(paths[1]).toMatch(/^M/);
    expect(points.map((p) => p.value)).toEqual([1, 2, 4]);
    expect(points[2]?.y).toBeCloseTo(yOf(4, 4));
  });
  it("draw nothing for no data", () => {
    expect(linePaths([], 1)).toEqual({ paths: [], points: [] });
    expect(isEmpty([[null, 0], []])).toBe(true);
    expect(isEmpty([[null, 0.5]])).toBe(false);
  });
});

it("hours read as minutes, hours or days", () => {
  expect(hours(null)).toBe("—");
  expect(hours(0.5)).toBe("30 min");
  expect(hours(3.25)).toBe("3.3 h");
  expect(hours(30)).toBe("30 h");
  expect(hours(72)).toBe("3.0 d");
});
