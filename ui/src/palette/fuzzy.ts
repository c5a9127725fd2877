/**
 * The palette's filter: every letter of the query must appear in order (spaces ignored, case
 * ignored); matches at word starts and runs of consecutive letters score higher, gaps cost.
 */

/** A score (higher is better) or null when `text` does not match `query`. */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, "");
  if (!q) return 0;
  const t = text.toLowerCase();
  let score = 0;
  let ti = 0;
  let run = 0;
  let last = -1;
  for (const ch of q) {
    const at = t.indexOf(ch, ti);
    if (at < 0) return null;
    const prev = at > 0 ? t[at - 1] : " ";
    const wordStart = prev === " " || prev === ":" || prev === "-" || prev === "/" || prev === "(";
    if (at === last + 1) run += 1;
    else run = 0;
    score += 1 + run * 2 + (wordStart ? 3 : 0) + (at === 0 ? 2 : 0);
    if (last >= 0) score -= Math.min(3, at - last - 1) * 0.5;
    last = at;
    ti = at + 1;
  }
  // Shorter texts win ties: "Close" before "Close all".
  return score - t.length * 0.01;
}

/** The items that match, best first; equal scores keep their order. */
export function fuzzyFilter<T>(items: readonly T[], query: string, text: (item: T) => string): T[] {
  if (!query.trim()) return [...items];
  return items
    .map((item, i) => ({ item, i, score: fuzzyScore(query, text(item)) }))
    .filter((x): x is { item: T; i: number; score: number } => x.score !== null)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .map((x) => x.item);
}
