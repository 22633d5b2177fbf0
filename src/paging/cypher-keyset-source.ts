import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { QueryParams, Row } from '../falkordb/query-types';
import { KeyedRow, KeysetSource, SortDirection, WindowRead } from './keyset';

/**
 * One listing of nodes, as Cypher: what readKeysetPage needs to read it window by window. Every
 * name and condition is a constant of the code (values travel as parameters), and conditions are
 * on the node variable `n`.
 */
export interface CypherListing {
  label: string;
  /** Integer sort key, with a range index on it. */
  keyProperty: string;
  /** Unique id: the order among equal keys. */
  idProperty: string;
  /**
   * Conditions on other indexed properties (equality or range): the index answers them together
   * with the key range, so a window reads only entries that satisfy them.
   */
  indexed: string[];
  /** Conditions checked on each entry the index returned (read, but not returned, when false). */
  filters: string[];
  params: QueryParams;
  /**
   * Every key a row can have. A window over all of it needs no range at all: the other indexed
   * conditions alone are cheaper to scan than a range over the whole index, so a listing whose
   * rows all fit one read (one user's tokens, say) costs one short query.
   */
  domain: { min: number; max: number };
}

const conditions = (parts: string[]): string => parts.map((part) => ` AND ${part}`).join('');

/** Reads a CypherListing's windows, counts and ties from the store graph (read-only queries). */
export class CypherKeysetSource implements KeysetSource {
  private readonly key: string;
  private readonly id: string;

  constructor(
    private readonly store: FalkorDbConnection,
    private readonly graph: string,
    private readonly listing: CypherListing,
  ) {
    this.key = `n.${listing.keyProperty}`;
    this.id = `n.${listing.idProperty}`;
  }

  async scan(lo: number, hi: number, cap: number): Promise<WindowRead> {
    const { label, indexed, filters, params, domain } = this.listing;
    const everything = lo <= domain.min && hi >= domain.max;
    const matched = everything ? indexed : [`${this.key} >= $window_lo AND ${this.key} <= $window_hi`, ...indexed];
    const checked = everything ? [`${this.key} IS NOT NULL`] : [];
    // `WITH n LIMIT` stops the index scan after cap + 1 entries: no window reads more, however wide.
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (n:${label})${matched.length ? ` WHERE ${matched.join(' AND ')}` : ''}
       WITH n LIMIT $window_read
       WITH collect(n) AS window
       RETURN size(window) AS scanned,
         CASE WHEN size(window) > $window_cap THEN [] ELSE [n IN window WHERE true${conditions([...checked, ...filters])} | [${this.key}, ${this.id}]] END AS rows`,
      { ...params, window_lo: lo, window_hi: hi, window_read: cap + 1, window_cap: cap },
    );
    const scanned = Number(rows[0]?.scanned ?? 0);
    return { overflow: scanned > cap, scanned, rows: keyedRows(rows[0]?.rows) };
  }

  async count(windows: ReadonlyArray<readonly [number, number]>, cap: number): Promise<number[]> {
    const { label, indexed, params } = this.listing;
    const rows = await this.store.readQuery(
      this.graph,
      `UNWIND range(0, size($count_los) - 1) AS i
       CALL {
         WITH i
         MATCH (n:${label}) WHERE ${this.key} >= $count_los[i] AND ${this.key} <= $count_his[i]${conditions(indexed)}
         WITH n LIMIT $count_cap
         RETURN count(n) AS entries
       }
       RETURN i, entries ORDER BY i`,
      { ...params, count_los: windows.map(([lo]) => lo), count_his: windows.map(([, hi]) => hi), count_cap: cap },
    );
    const counts = windows.map(() => 0);
    for (const row of rows) counts[Number(row.i)] = Number(row.entries);
    return counts;
  }

  async scanTies(key: number, afterId: string | null, direction: SortDirection, limit: number): Promise<KeyedRow[]> {
    const { label, indexed, filters, params } = this.listing;
    const [after, order] = direction === 'asc' ? ['>', 'ASC'] : ['<', 'DESC'];
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (n:${label}) WHERE ${this.key} = $tie_key${conditions(indexed)}
       WITH n WHERE ($tie_after IS NULL OR ${this.id} ${after} $tie_after)${conditions(filters)}
       RETURN [${this.key}, ${this.id}] AS row ORDER BY ${this.id} ${order} LIMIT $tie_limit`,
      { ...params, tie_key: key, tie_after: afterId, tie_limit: limit },
    );
    return keyedRows(rows.map((row: Row) => row.row));
  }
}

function keyedRows(value: unknown): KeyedRow[] {
  if (!Array.isArray(value)) return [];
  return value.filter((pair): pair is [unknown, unknown] => Array.isArray(pair) && pair.length === 2).map(([key, id]) => ({ key: Number(key), id: String(id) }));
}
