/** Which way a listing runs through its sort key. */
export type SortDirection = 'asc' | 'desc';

/**
 * A row as keyset paging sees it: its integer sort key and its id. Rows are ordered by key, then
 * by id (in the same direction), so the order is total even where keys are equal.
 */
export interface KeyedRow {
  key: number;
  id: string;
}

/**
 * Where a page ended: every row up to (key, id) in the listing's order is behind. `id: null`
 * puts every row with this key behind too (a page that stopped between keys).
 */
export interface KeysetPosition {
  key: number;
  id: string | null;
}

/** How a page goes on from the one before: where it ended, and the window width that suited it (carried in the cursor). */
export interface PageContinuation {
  after: KeysetPosition;
  width: number;
}

/** Which page to read: after `after` (null: the first page), at most `limit` rows, starting with windows of `width`. */
export interface PageRequest {
  after: KeysetPosition | null;
  width?: number;
  limit: number;
}

/** What one window read found. */
export interface WindowRead {
  overflow: boolean;
  /** Index entries read (rows the filters then dropped included). */
  scanned: number;
  /** The rows that passed the filters (none on overflow). */
  rows: KeyedRow[];
}

/**
 * Where the rows of one listing can be found, through an index range on the sort key. Both
 * methods apply the listing's filters and scope themselves.
 */
export interface KeysetSource {
  /**
   * The rows whose key is in [lo, hi] (inclusive). Reads at most `cap` + 1 index entries: when there
   * are more, answers `overflow` with no rows, so no call ever reads more than that.
   */
  scan(lo: number, hi: number, cap: number): Promise<WindowRead>;
  /**
   * How many index entries each window [lo, hi] (inclusive) holds, each count capped at `cap`
   * (`cap` = that many or more): one query, reading at most `cap` entries per window.
   */
  count(windows: ReadonlyArray<readonly [number, number]>, cap: number): Promise<number[]>;
  /**
   * The rows whose key is exactly `key`, in id order for `direction`, after `afterId` (all when
   * null), at most `limit`. Only used when one key value holds more rows than a window may read.
   */
  scanTies(key: number, afterId: string | null, direction: SortDirection, limit: number): Promise<KeyedRow[]>;
}
