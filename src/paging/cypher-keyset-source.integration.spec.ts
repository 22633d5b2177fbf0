import { FalkorDbTestServer } from '../../test/support/falkordb-test-server';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { CypherKeysetSource, CypherListing } from './cypher-keyset-source';
import { KeysetPosition, SortDirection } from './keyset';
import { readKeysetPage } from './windowed-keyset-scan';

const GRAPH = 'unit_keyset_source';
const DOMAIN = { min: -1e14, max: 1e14 };
const HOUR = 3_600_000;

/**
 * readKeysetPage over real FalkorDB range indexes: windows capped with `WITH n LIMIT`, counts in
 * CALL subqueries, and one key holding more rows than a window may read.
 */
describe('CypherKeysetSource (real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let store: FalkorDbConnection;
  const now = 1_764_000_000_000;
  /** 1,500 rows: one every 10 minutes, 600 sharing one key, a group filtered out, negative keys. */
  const rows = [
    ...Array.from({ length: 800 }, (_, index) => ({ id: `r${String(index).padStart(4, '0')}`, key: now - index * 600_000, group: index % 3 === 0 ? 'b' : 'a' })),
    ...Array.from({ length: 600 }, (_, index) => ({ id: `t${String(index).padStart(4, '0')}`, key: now - 5 * HOUR, group: index % 4 === 0 ? 'b' : 'a' })),
    ...Array.from({ length: 100 }, (_, index) => ({ id: `n${String(index).padStart(4, '0')}`, key: -1e13 + index, group: 'a' })),
  ];

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    store = new FalkorDbConnection({ url: server.url, tokenGraph: GRAPH });
    await store.onModuleInit();
    await store.query(GRAPH, 'CREATE INDEX FOR (n:Row) ON (n.key)');
    await store.query(GRAPH, 'CREATE INDEX FOR (n:Row) ON (n.grp)');
    await store.query(GRAPH, 'UNWIND range(0, size($ids) - 1) AS i CREATE (:Row {id: $ids[i], key: $keys[i], grp: $groups[i], tag: i % 5})', {
      ids: rows.map((row) => row.id),
      keys: rows.map((row) => row.key),
      groups: rows.map((row) => row.group),
    });
  });

  afterAll(async () => {
    await store?.onApplicationShutdown();
    await server?.destroy();
  });

  const listing = (group: string | null, tagged: boolean): CypherListing => ({
    label: 'Row',
    keyProperty: 'key',
    idProperty: 'id',
    indexed: group === null ? [] : ['n.grp = $grp'],
    filters: tagged ? ['n.tag <> 0'] : [],
    params: { grp: group },
    domain: DOMAIN,
  });

  async function pageThrough(source: CypherKeysetSource, direction: SortDirection, limit: number) {
    const ids: string[] = [];
    let after: KeysetPosition | null = null;
    let width: number | undefined;
    let maxQueries = 0;
    for (;;) {
      const page = await readKeysetPage(source, { direction, after, limit, domain: DOMAIN, width });
      ids.push(...page.rows.map((row) => row.id));
      maxQueries = Math.max(maxQueries, page.cost.queries);
      if (!page.next) return { ids, maxQueries };
      ({ after, width } = page.next);
    }
  }

  it.each([
    ['asc', null, false, 50],
    ['desc', null, false, 50],
    ['desc', 'a', true, 30],
    ['asc', 'b', false, 200],
  ] as const)('pages %s (group %s, filtered %s, limit %i) through every row once, in order, ties of 600 included', async (direction, group, tagged, limit) => {
    const sign = direction === 'asc' ? 1 : -1;
    const tags = new Map(rows.map((row, index) => [row.id, index % 5]));
    const expected = rows
      .filter((row) => (group === null || row.group === group) && (!tagged || tags.get(row.id) !== 0))
      .sort((a, b) => sign * (a.key - b.key) || sign * (a.id < b.id ? -1 : 1))
      .map((row) => row.id);
    const { ids, maxQueries } = await pageThrough(new CypherKeysetSource(store, GRAPH, listing(group, tagged)), direction, limit);
    expect(ids).toEqual(expected);
    expect(maxQueries).toBeLessThanOrEqual(32);
  });

  it('reads a window of the whole range with the other indexed conditions only, and never more than the cap', async () => {
    const source = new CypherKeysetSource(store, GRAPH, listing('b', false));
    const read = await source.scan(DOMAIN.min, DOMAIN.max, 1000);
    expect(read).toMatchObject({ overflow: false, scanned: rows.filter((row) => row.group === 'b').length });
    const capped = await source.scan(now - 10 * HOUR, now, 20);
    expect(capped).toEqual({ overflow: true, scanned: 21, rows: [] });
    expect(await source.count([[now - HOUR + 1, now], [now - 5 * HOUR, now - 5 * HOUR]], 50)).toEqual([2, 50]);
  });
});
