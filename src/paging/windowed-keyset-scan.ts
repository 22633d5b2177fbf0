import { KeyedRow, KeysetSource, PageContinuation, PageRequest, SortDirection } from './keyset';

/**
 * FalkorDB reads every entry of an index range before it sorts, and never in key order, so
 * `ORDER BY key LIMIT n` over a whole range costs the whole range: the first page of a million
 * tokens would read a million. A page is therefore read in windows of the key range, each read
 * capped (`WITH x LIMIT cap`):
 * - a window that holds too many rows is split in 16 parts whose entries are counted (each count
 *   capped) in one query, and the page goes on in the first parts that hold its rows, so a window
 *   a million times too wide takes five such counts;
 * - an empty window is followed by the whole rest of the range (empty too: the listing ends);
 * - the width that suited one page travels to the next in its cursor, where it is usually right.
 * A page costs about the same wherever it starts and however large the store is: what it reads
 * depends on the page size and on how far apart keys lie, not on the number of rows stored.
 */

/** Keys are epoch milliseconds: a window of an hour is where a first page starts looking. */
export const DEFAULT_WINDOW_WIDTH = 3_600_000;
/** A window is at most this many times wider than the one before it (unless that one was empty). */
const MAX_GROWTH = 8;
/** A window that holds too many rows is counted in this many parts. */
const PARTS_PER_COUNT = 16;
/** Index entries one window read may return: at least this, and four pages' worth. */
const MIN_WINDOW_CAP = 256;
/** Past these, and once the page has moved on, a page stops where it is and returns what it found. */
const MAX_QUERIES_PER_PAGE = 32;
const MAX_CAPS_READ_PER_PAGE = 64;
const MAX_WIDTH = Number.MAX_SAFE_INTEGER;

export interface KeysetPageRequest extends PageRequest {
  direction: SortDirection;
  /** Every key a row can have (inclusive). */
  domain: { min: number; max: number };
  /**
   * Where rows probably begin, seen from the start of the listing (e.g. shortly after "now" when the
   * newest come first): a first page without a known width reads everything before it in one
   * window, then looks on from there an hour at a time. Without one, a first page starts with the
   * whole range.
   */
  pivot?: number;
}

export interface KeysetPage {
  /** At most `limit` rows, in order. May be fewer (even none) while `next` is set: only `next: null` ends the listing. */
  rows: KeyedRow[];
  /** Where the next page starts and the window width to start it with; null when nothing is left. */
  next: PageContinuation | null;
  /** What the page cost: queries sent and index entries read. */
  cost: { queries: number; scanned: number };
}

/** A row in scan order: `s` grows along the listing whichever its direction (s = key, or -key for desc). */
interface ScanRow {
  s: number;
  id: string;
}

function clampWidth(width: number): number {
  return Math.max(1, Math.min(MAX_WIDTH, Math.round(width)));
}

/**
 * The width of the next window after one of `covered` keys that read `scanned` entries and kept
 * `matched` rows: aimed at what is still `wanted`, at most half a cap of entries. After an empty
 * window, the whole rest of the range: either it is empty too (the listing ends in one query) or
 * it is counted in parts.
 */
function nextWidth(covered: number, scanned: number, matched: number, wanted: number, cap: number): number {
  if (scanned === 0) return MAX_WIDTH;
  const selectivity = Math.max(matched, 1) / scanned;
  const target = Math.min(cap / 2, (1.5 * wanted) / selectivity);
  return clampWidth(covered * Math.min(MAX_GROWTH, Math.max(1 / MAX_GROWTH, target / scanned)));
}

/** [from, to] (scan space) cut into at most PARTS_PER_COUNT consecutive parts of (nearly) equal width. */
function partsOf(from: number, to: number): Array<[number, number]> {
  const count = Math.min(PARTS_PER_COUNT, to - from + 1);
  const parts: Array<[number, number]> = [];
  for (let index = 0, start = from; index < count; index++) {
    // Leaves at least one key for each part still to come (the arithmetic may round near 2^53).
    const end = index === count - 1 ? to : Math.min(to - (count - 1 - index), Math.max(start, from + Math.floor(((to - from + 1) / count) * (index + 1)) - 1));
    parts.push([start, end]);
    start = end + 1;
  }
  return parts;
}

/** One page of a keyset listing, read window by window from `source`. */
export async function readKeysetPage(source: KeysetSource, request: KeysetPageRequest): Promise<KeysetPage> {
  const sign = request.direction === 'asc' ? 1 : -1;
  const last = sign === 1 ? request.domain.max : -request.domain.min;
  const first = sign === 1 ? request.domain.min : -request.domain.max;
  const need = request.limit + 1; // one more than the page: then a last page is known to be the last
  const cap = Math.max(MIN_WINDOW_CAP, 4 * need);
  const comesAfterId = (a: string, b: string): boolean => (sign === 1 ? a > b : a < b);
  const inOrder = (a: ScanRow, b: ScanRow): number => a.s - b.s || (a.id === b.id ? 0 : comesAfterId(a.id, b.id) ? 1 : -1);
  const start = request.after && { s: sign * request.after.key, id: request.after.id };
  const isPastStart = (row: ScanRow): boolean =>
    !start || row.s > start.s || (row.s === start.s && start.id !== null && comesAfterId(row.id, start.id));
  const toScanRow = (row: KeyedRow): ScanRow => ({ s: sign * row.key, id: row.id });
  /** Scan-space [from, to] as the key-space [lo, hi] the source takes. */
  const keyWindow = (from: number, to: number): [number, number] => (sign === 1 ? [from, to] : [-to, -from]);
  const cost = { queries: 0, scanned: 0 };
  const collected: ScanRow[] = [];
  const wanted = (): number => (collected.length < need ? need - collected.length : need);

  let from = start ? (start.id === null ? start.s + 1 : start.s) : first;
  const startedAt = from;
  const pivot = request.pivot === undefined ? undefined : sign * request.pivot;
  let atPivot = request.width === undefined && pivot !== undefined && pivot > from;
  let width = request.width ?? (atPivot ? pivot! - from + 1 : MAX_WIDTH);

  /**
   * [from, to] holds more than a window may read: counts it in parts (zooming into the part where
   * the page's rows end) and sets `from`/`width` to a window that holds the page's next rows and
   * fits a read, or to a single key (whose ties are then read in id order).
   */
  const narrow = async (to: number): Promise<void> => {
    for (;;) {
      if (from === to) {
        width = 1;
        return;
      }
      const parts = partsOf(from, to);
      const stillWanted = wanted();
      // Counted up to half a read: a part below that can be read with everything before it.
      const countCap = Math.floor(cap / 2);
      const counts = await source.count(
        parts.map(([a, b]) => keyWindow(a, b)),
        countCap,
      );
      cost.queries += 1;
      cost.scanned += counts.reduce((sum, n) => sum + n, 0);
      // Leading empty parts hold nothing to read: the page goes on after them.
      const firstFilled = counts.findIndex((count) => count > 0);
      if (firstFilled < 0) {
        // Empty now (rows went away meanwhile).
        from = to + 1;
        width = DEFAULT_WINDOW_WIDTH;
        return;
      }
      from = parts[firstFilled][0];
      let before = 0;
      const boundary = counts.findIndex((count) => (before += count) >= stillWanted);
      if (boundary < 0) {
        // Fewer than expected (rows went away meanwhile): the rest of the range now fits a read.
        width = to - from + 1;
        return;
      }
      const [partStart, partEnd] = parts[boundary];
      if (counts[boundary] < countCap) {
        // Every count up to here is exact, and together less than a read: one read takes it all.
        width = partEnd - from + 1;
        return;
      }
      if (partStart > from) {
        // The rows before the boundary part fit a read; the boundary part comes after it.
        width = partStart - from;
        return;
      }
      // The boundary part is the first with rows: zoom into it.
      to = partEnd;
    }
  };

  while (collected.length < need && from <= last) {
    const progressed = collected.length > 0 || from !== startedAt;
    if (progressed && (cost.queries >= MAX_QUERIES_PER_PAGE || cost.scanned >= MAX_CAPS_READ_PER_PAGE * cap)) break;
    const to = Math.min(last, from + width - 1);
    const [lo, hi] = keyWindow(from, to);
    const window = await source.scan(lo, hi, cap);
    cost.queries += 1;
    cost.scanned += window.scanned;
    if (window.overflow) {
      atPivot = false;
      if (to === from) {
        // One key holds more rows than a window may read: that key alone, in id order.
        const stillWanted = wanted();
        const ties = await source.scanTies(sign * from, start && start.s === from ? start.id : null, request.direction, stillWanted);
        cost.queries += 1;
        cost.scanned += ties.length;
        collected.push(...ties.map(toScanRow));
        if (ties.length < stillWanted) {
          from += 1;
          width = DEFAULT_WINDOW_WIDTH;
        }
        continue;
      }
      await narrow(to);
      continue;
    }
    const rows = window.rows.map(toScanRow).filter(isPastStart).sort(inOrder);
    collected.push(...rows);
    const covered = to - from + 1;
    from = to + 1;
    // The window up to the pivot says nothing about how dense the rows beyond it are. Once the
    // page is full, the width is aimed at the next page.
    width = atPivot ? DEFAULT_WINDOW_WIDTH : nextWidth(covered, window.scanned, rows.length, wanted(), cap);
    atPivot = false;
  }

  const toRow = (row: ScanRow): KeyedRow => ({ key: sign * row.s, id: row.id });
  if (collected.length > request.limit) {
    const rows = collected.slice(0, request.limit);
    const lastRow = rows[rows.length - 1];
    return { rows: rows.map(toRow), next: { after: { key: sign * lastRow.s, id: lastRow.id }, width }, cost };
  }
  // Stopped by the per-page budget: the next page goes on from the first key not read yet.
  const next = from > last ? null : { after: { key: sign * (from - 1), id: null }, width };
  return { rows: collected.map(toRow), next, cost };
}
