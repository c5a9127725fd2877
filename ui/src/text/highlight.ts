/**
 * Search highlights arrive as byte ranges into the UTF-8 encoding of a snippet (that is how
 * the Rust side slices strings). JavaScript strings index UTF-16 code units, so the ranges are
 * mapped before slicing: "é" is 2 bytes but 1 unit, "😀" is 4 bytes but 2 units.
 */

/** A run of snippet text, highlighted or not. */
export interface Segment {
  text: string;
  hit: boolean;
}

/** Bytes this code point takes in UTF-8. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * For each code point boundary of `text`: its byte offset and its UTF-16 index. Both columns
 * grow together, so a byte offset is found by binary search.
 */
function boundaries(text: string): { bytes: number[]; units: number[] } {
  const bytes = [0];
  const units = [0];
  let b = 0;
  let u = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    b += utf8Length(cp);
    u += ch.length;
    bytes.push(b);
    units.push(u);
  }
  return { bytes, units };
}

/**
 * The UTF-16 index of a byte offset. An offset inside a multi-byte character snaps to the
 * character's start (`up` false) or its end (`up` true), so a highlight never splits one.
 */
function unitAt(map: { bytes: number[]; units: number[] }, offset: number, up: boolean): number {
  const { bytes, units } = map;
  let lo = 0;
  let hi = bytes.length - 1;
  const last = bytes[hi] ?? 0;
  if (offset <= 0) return 0;
  if (offset >= last) return units[hi] ?? 0;
  // The last boundary at or before `offset`.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((bytes[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  const exact = bytes[lo] === offset;
  const index = exact || !up ? lo : lo + 1;
  return units[index] ?? 0;
}

/** UTF-8 byte ranges → UTF-16 ranges: sorted, clamped to the text, overlaps merged. */
export function toStringRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  if (ranges.length === 0) return [];
  const map = boundaries(text);
  const mapped = ranges
    .map(([s, e]) => [unitAt(map, Math.min(s, e), false), unitAt(map, Math.max(s, e), true)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of mapped) {
    const prev = merged[merged.length - 1];
    if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The snippet cut into plain and highlighted runs, in order; empty runs left out. */
export function highlightSegments(text: string, ranges: ReadonlyArray<readonly [number, number]>): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const [s, e] of toStringRanges(text, ranges)) {
    if (s > at) out.push({ text: text.slice(at, s), hit: false });
    out.push({ text: text.slice(s, e), hit: true });
    at = e;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), hit: false });
  return out;
}
