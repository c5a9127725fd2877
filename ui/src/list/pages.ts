/**
 * Rows of an open list, fetched a page at a time and kept by page. The list view says which
 * pages it wants (what is on screen, best first); at most `concurrency` fetches run at once and
 * a page no longer wanted by the time a slot frees is not fetched at all, so dragging the
 * scrollbar across 100,000 rows asks only for where it stops. Old pages are dropped beyond
 * `maxPages`, least recently used first.
 */

export type FetchRows<T> = (start: number, count: number) => Promise<T[]>;

export interface PageCacheOptions<T> {
  total: number;
  pageSize: number;
  fetch: FetchRows<T>;
  maxPages?: number;
  concurrency?: number;
  /** A page arrived (the view re-renders). */
  onLoad?: (page: number) => void;
  /** A fetch failed; the page is asked for again the next time it is wanted. */
  onError?: (error: unknown) => void;
}

export class PageCache<T> {
  readonly total: number;
  readonly pageSize: number;
  private readonly opts: PageCacheOptions<T>;
  /** Loaded pages; Map order is recency (oldest first). */
  private readonly pages = new Map<number, T[]>();
  /** Pages held only in part (their first rows, seeded): shown, and fetched whole when wanted. */
  private readonly partial = new Set<number>();
  private readonly inflight = new Set<number>();
  private wanted: number[] = [];
  private closed = false;

  constructor(opts: PageCacheOptions<T>) {
    this.opts = opts;
    this.total = Math.max(0, opts.total);
    this.pageSize = Math.max(1, opts.pageSize);
  }

  get pageCount(): number {
    return Math.ceil(this.total / this.pageSize);
  }

  /** The row at `index`, if its page is here. */
  get(index: number): T | undefined {
    if (index < 0 || index >= this.total) return undefined;
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  loading(page: number): boolean {
    return this.inflight.has(page);
  }

  /** How many pages are held (for tests and the memory bound). */
  get size(): number {
    return this.pages.size;
  }

  /** Replaces the wanted pages (in priority order) and starts fetching what is missing. */
  want(pages: number[]): void {
    this.wanted = pages.filter((p) => p >= 0 && p < this.pageCount);
    for (const p of this.wanted) this.touch(p);
    this.pump();
  }

  /**
   * Rows fetched elsewhere, from `start` on: every page they cover whole (or to the end of the
   * list) is kept, so a reopened list shows its rows at once. A last page they cover only from
   * its start is kept in part: its rows show, and the whole page is still fetched when wanted.
   */
  seed(start: number, rows: T[]): void {
    const end = Math.min(this.total, start + rows.length);
    for (let p = Math.ceil(start / this.pageSize); p * this.pageSize < end; p++) {
      const from = p * this.pageSize;
      const to = Math.min(from + this.pageSize, this.total);
      if (to > end) {
        if (!this.pages.has(p)) {
          this.pages.set(p, rows.slice(from - start, end - start));
          this.partial.add(p);
        }
        break;
      }
      this.pages.set(p, rows.slice(from - start, to - start));
      this.partial.delete(p);
    }
    this.evict();
  }

  /** Rows `start..end` that are here, with their indexes. */
  range(start: number, end: number): Array<[number, T]> {
    const out: Array<[number, T]> = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.total); i++) {
      const row = this.get(i);
      if (row !== undefined) out.push([i, row]);
    }
    return out;
  }

  /** Replaces held rows the function maps to something new (an edited ticket). */
  update(map: (row: T) => T | undefined): boolean {
    let changed = false;
    for (const rows of this.pages.values()) {
      rows.forEach((row, i) => {
        const next = map(row);
        if (next !== undefined && next !== row) {
          rows[i] = next;
          changed = true;
        }
      });
    }
    return changed;
  }

  /** Stops: fetches still running are ignored when they answer. */
  close(): void {
    this.closed = true;
    this.wanted = [];
  }

  private touch(page: number): void {
    const rows = this.pages.get(page);
    if (rows) {
      this.pages.delete(page);
      this.pages.set(page, rows);
    }
  }

  private pump(): void {
    const limit = this.opts.concurrency ?? 2;
    for (const page of this.wanted) {
      if (this.closed || this.inflight.size >= limit) return;
      if ((this.pages.has(page) && !this.partial.has(page)) || this.inflight.has(page)) continue;
      this.load(page);
    }
  }

  private load(page: number): void {
    this.inflight.add(page);
    const start = page * this.pageSize;
    const count = Math.min(this.pageSize, this.total - start);
    this.opts.fetch(start, count).then(
      (rows) => {
        this.inflight.delete(page);
        if (this.closed) return;
        this.pages.set(page, rows);
        this.partial.delete(page);
        this.evict();
        this.opts.onLoad?.(page);
        this.pump();
      },
      (error: unknown) => {
        this.inflight.delete(page);
        if (this.closed) return;
        this.opts.onError?.(error);
      },
    );
  }

  private evict(): void {
    const max = Math.max(1, this.opts.maxPages ?? 50);
    const keep = new Set(this.wanted);
    for (const page of this.pages.keys()) {
      if (this.pages.size <= max) break;
      if (!keep.has(page)) {
        this.pages.delete(page);
        this.partial.delete(page);
      }
    }
  }
}
