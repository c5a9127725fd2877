import { describe, expect, it } from "vitest";
import { PageCache } from "./pages";

/** A fetch whose answers the test releases by hand. */
function manualFetch() {
  const calls: Array<{ start: number; count: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  const fetch = (start: number, count: number) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({
        start,
        count,
        resolve: () => resolve(Array.from({ length: count }, (_, i) => start + i)),
        reject,
      });
    });
  return { calls, fetch };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("page cache", () => {
  it("fetches each wanted page once and serves rows by index", async () => {
    const { calls, fetch } = manualFetch();
    const loaded: number[] = [];
    const cache = new PageCache({ total: 250, pageSize: 100, fetch, onLoad: (p) => loaded.push(p) });
    cache.want([0, 1]);
    cache.want([0, 1]);
    expect(calls.map((c) => [c.start, c.count])).toEqual([
      [0, 100],
      [100, 100],
    ]);
    expect(cache.get(5)).toBeUndefined();
    calls[0]!.resolve();
    await settle();
    expect(cache.get(5)).toBe(5);
    expect(loaded).toEqual([0]);
  });

  it("shows a seeded first screenful at once and still fetches its page whole", async () => {
    const { calls, fetch } = manualFetch();
    const cache = new PageCache({ total: 250, pageSize: 100, fetch });
    cache.seed(0, [0, 1, 2, 3, 4]);
    expect(cache.get(4)).toBe(4);
    expect(cache.get(5)).toBeUndefined();
    cache.want([0]);
    expect(calls.map((c) => [c.start, c.count])).toEqual([[0, 100]]);
    expect(cache.get(2)).toBe(2);
    calls[0]!.resolve();
    await settle();
    expect(cache.get(99)).toBe(99);
    cache.want([0]);
    expect(calls).toHaveLength(1);
    // A later seed of part of a page already held whole does not cut it back.
    cache.seed(0, [0, 1]);
    expect(cache.get(50)).toBe(50);
  });

  it("asks for a short last page", async () => {
    const { calls, fetch } = manualFetch();
    const cache = new PageCache({ total: 250, pageSize: 100, fetch });
    cache.want([2, 3]);
    expect(calls.map((c) => [c.start, c.count])).toEqual([[200, 50]]);
    calls[0]!.resolve();
    await settle();
    expect(cache.get(249)).toBe(249);
    expect(cache.get(250)).toBeUndefined();
  });

  it("keeps to its concurrency and skips pages no longer wanted", async () => {
    const { calls, fetch } = manualFetch();
    const cache = new PageCache({ total: 100_000, pageSize: 100, fetch, concurrency: 2 });
    cache.want([0, 1, 2]);
    expect(calls).toHaveLength(2);
    // The person dragged far away before the first answer.
    cache.want([700, 701]);
    calls[0]!.resolve();
    await settle();
    expect(calls.map((c) => c.start)).toEqual([0, 100, 70_000]);
  });

  it("drops the least recently used pages beyond its size, never wanted ones", async () => {
    const { calls, fetch } = manualFetch();
    const cache = new PageCache({ total: 10_000, pageSize: 10, fetch, maxPages: 3, concurrency: 10 });
    for (const p of [0, 1, 2, 3]) {
      cache.want([p]);
      calls[calls.length - 1]!.resolve();
      await settle();
    }
    expect(cache.size).toBe(3);
    expect(cache.has(0)).toBe(false);
    expect(cache.has(3)).toBe(true);
  });

  it("reports errors and tries again when the page is wanted again", async () => {
    const { calls, fetch } = manualFetch();
    const errors: unknown[] = [];
    const cache = new PageCache({ total: 100, pageSize: 100, fetch, onError: (e) => errors.push(e) });
    cache.want([0]);
    calls[0]!.reject({ kind: "gone", message: "closed" });
    await settle();
    expect(errors).toEqual([{ kind: "gone", message: "closed" }]);
    cache.want([0]);
    expect(calls).toHaveLength(2);
  });

  it("ignores answers after it is closed, and updates held rows", async () => {
    const { calls, fetch } = manualFetch();
    const cache = new PageCache({ total: 20, pageSize: 10, fetch });
    cache.want([0, 1]);
    calls[0]!.resolve();
    await settle();
    expect(cache.update((n) => (n === 3 ? 33 : undefined))).toBe(true);
    expect(cache.get(3)).toBe(33);
    expect(cache.range(2, 5)).toEqual([
      [2, 2],
      [3, 33],
      [4, 4],
    ]);
    cache.close();
    calls[1]!.resolve();
    await settle();
    expect(cache.get(15)).toBeUndefined();
  });

  it("keeps the whole pages of rows fetched elsewhere", () => {
    const { calls, fetch } = manualFetch();
    const cache = new PageCache({ total: 250, pageSize: 100, fetch });
    // Rows 50..250: page 0 is only half there, pages 1 and 2 (the short last one) are whole.
    cache.seed(50, Array.from({ length: 200 }, (_, i) => 50 + i));
    expect(cache.has(0)).toBe(false);
    expect(cache.get(120)).toBe(120);
    expect(cache.get(249)).toBe(249);
    cache.want([0, 1, 2]);
    expect(calls.map((c) => c.start)).toEqual([0]);
  });
});
