/**
 * Which of a row's tag chips fit beside its status, kind, priority and impact.
 *
 * A row's badges have a fixed room (`.badges`' max-width). Cut off by it, a chip showed half
 * its word under the assignee's name; instead, a row shows the tags that fit whole and counts
 * the rest in a "+N" chip. Widths come from the chips' own font, measured once per word on a
 * canvas (no layout is read while the list scrolls); where there is no canvas, an estimate.
 */

/** A chip's padding, left and right (`.badge`). */
const PADDING = 12;
/** Between two chips (`.badges`' gap). */
const GAP = 4;
/** The room when the style cannot be read (`.badges`' max-width). */
const ROOM = 300;
/** Per character, when nothing can be measured: wide enough for most words at 11px. */
const ESTIMATE = 6.4;
/** Words measured and kept (tags, statuses): far more than a team uses. */
const KEEP = 4096;

/** The width of a text in a chip's font, in CSS pixels. */
export type TextWidth = (text: string) => number;

/** A guess from the text's length alone. */
export const estimate: TextWidth = (text) => text.length * ESTIMATE;

/** How wide a chip showing `text` is. */
function chip(text: string, width: TextWidth): number {
  return width(text) + PADDING;
}

/**
 * How many of `tags` (at most `slots`) fit in `room` beside the chips `fixed`, keeping room for
 * a "+N" chip when some are left out.
 */
export function tagsThatFit(fixed: readonly string[], tags: readonly string[], slots: number, room: number, width: TextWidth): number {
  // Called for every row a scroll brings into view: sums as it goes, building no arrays.
  let used = 0;
  for (const f of fixed) used += (used > 0 ? GAP : 0) + chip(f, width);
  let shown = 0;
  const most = Math.min(slots, tags.length);
  for (let k = 1; k <= most; k++) {
    used += (used > 0 ? GAP : 0) + chip(tags[k - 1]!, width);
    const more = k < tags.length ? GAP + chip(`+${tags.length - k}`, width) : 0;
    if (used + more <= room) shown = k;
  }
  return shown;
}

/** The chips' font and room, read once from the page's style. */
export interface ChipMetrics {
  width: TextWidth;
  room: number;
}

let metrics: ChipMetrics | null = null;

/**
 * The metrics of `badges` (a row's `.badges` element, in the page): measured from its style
 * the first time, an estimate while it is not yet in a document or nothing can be measured.
 */
export function chipMetrics(badges: HTMLElement): ChipMetrics {
  if (metrics) return metrics;
  const view = badges.ownerDocument.defaultView;
  if (!badges.isConnected || !view) return { width: estimate, room: ROOM };
  const style = view.getComputedStyle(badges);
  const room = Number.parseFloat(style.maxWidth) || ROOM;
  const probe = badges.ownerDocument.createElement("span");
  probe.className = "badge";
  badges.append(probe);
  const font = view.getComputedStyle(probe);
  const css = `${font.fontStyle} ${font.fontWeight} ${font.fontSize} ${font.fontFamily}`;
  probe.remove();
  let context: CanvasRenderingContext2D | null = null;
  try {
    context = badges.ownerDocument.createElement("canvas").getContext("2d");
  } catch {
    context = null;
  }
  if (!context || !font.fontSize) {
    metrics = { width: estimate, room };
    return metrics;
  }
  context.font = css;
  const known = new Map<string, number>();
  const ctx = context;
  metrics = {
    room,
    width: (text) => {
      let w = known.get(text);
      if (w === undefined) {
        if (known.size >= KEEP) known.clear();
        w = Math.ceil(ctx.measureText(text).width);
        known.set(text, w);
      }
      return w;
    },
  };
  return metrics;
}
