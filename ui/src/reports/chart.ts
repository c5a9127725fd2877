/**
 * The charts' geometry, pure: scales with round ticks, stacked bars per week, and lines with
 * gaps where a week has no value. The components only turn these numbers into SVG.
 */

export const KINDS = ["bug", "feature", "question", "other", "none"] as const;
export type KindName = (typeof KINDS)[number];

export interface Box {
  width: number;
  height: number;
  /** Room for the axis labels. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

export const BOX: Box = { width: 560, height: 180, left: 36, bottom: 22, top: 8, right: 8 };

/** A round maximum at or above `max` (1, 2, 5 × 10ⁿ) and its ticks from 0; never 0 wide. */
export function niceScale(max: number, ticks = 4): { max: number; ticks: number[] } {
  if (!(max > 0) || !Number.isFinite(max)) return { max: 1, ticks: [0, 1] };
  const rough = max / ticks;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough - 1e-9) ?? 10 * pow;
  const top = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(Number(v.toPrecision(12)));
  return { max: top, ticks: out };
}

/** Maps a value in [0, max] to a y in the box (0 at the bottom). */
export function yOf(value: number, max: number, box: Box = BOX): number {
  const h = box.height - box.top - box.bottom;
  return box.top + h - (Math.max(0, value) / max) * h;
}

/** The x band of column `i` of `n`: its left edge and width (bars take 70 % of it). */
export function band(i: number, n: number, box: Box = BOX): { x: number; w: number; mid: number } {
  const inner = box.width - box.left - box.right;
  const slot = inner / Math.max(1, n);
  const w = slot * 0.7;
  const x = box.left + i * slot + (slot - w) / 2;
  return { x, w, mid: box.left + i * slot + slot / 2 };
}

export interface Segment {
  kind: KindName;
  value: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Stacked bars: a column per week, segments bottom-up in {@link KINDS} order, empty ones left out. */
export function stackBars(
  weeks: { byKind: Partial<Record<KindName, number>> }[],
  box: Box = BOX,
): { max: number; ticks: number[]; columns: Segment[][] } {
  const totals = weeks.map((w) => KINDS.reduce((s, k) => s + (w.byKind[k] ?? 0), 0));
  const scale = niceScale(Math.max(0, ...totals));
  const columns = weeks.map((w, i) => {
    const { x, w: width } = band(i, weeks.length, box);
    let below = 0;
    const segs: Segment[] = [];
    for (const kind of KINDS) {
      const value = w.byKind[kind] ?? 0;
      if (value <= 0) continue;
      const y = yOf(below + value, scale.max, box);
      const h = yOf(below, scale.max, box) - y;
      segs.push({ kind, value, x, y, w: width, h });
      below += value;
    }
    return segs;
  });
  return { ...scale, columns };
}

/** Polylines through the weeks' values; a missing value ends one line and starts the next. */
export function linePaths(
  values: (number | null)[],
  max: number,
  box: Box = BOX,
): { paths: string[]; points: { x: number; y: number; value: number }[] } {
  const paths: string[] = [];
  const points: { x: number; y: number; value: number }[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length) paths.push(current.join(" "));
      current = [];
      return;
    }
    const x = band(i, values.length, box).mid;
    const y = yOf(v, max, box);
    points.push({ x, y, value: v });
    current.push(`${current.length ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length) paths.push(current.join(" "));
  return { paths, points };
}

/** Whether there is anything to draw: no weeks, or only zeros and gaps. */
export function isEmpty(series: (number | null)[][]): boolean {
  return series.every((s) => s.every((v) => v === null || v === 0));
}

/** Hours as people read them: "45 min", "3.5 h", "2.1 d"; "—" for none. */
export function hours(h: number | null | undefined): string {
  if (h === null || h === undefined || !Number.isFinite(h)) return "—";
  if (h < 1) return `${Math.round(h * 60)} min`;
  if (h < 48) return `${h < 10 ? h.toFixed(1) : Math.round(h)} h`;
  return `${(h / 24).toFixed(1)} d`;
}
