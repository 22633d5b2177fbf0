import * as fc from 'fast-check';
import { KeyedRow, KeysetPosition, KeysetSource, SortDirection } from './keyset';
import { readKeysetPage } from './windowed-keyset-scan';

interface StoredRow extends KeyedRow {
  /** Whether the listing's filters keep it (index entries that do not match still cost a read). */
  matches: boolean;
}

/** An index over `rows`, answering as the FalkorDB sources do (capped windows, overflow, capped counts). */
class InMemorySource implements KeysetSource {
  windowsRead: Array<{ lo: number; hi: number; scanned: number }> = [];
  countsRead: number[] = [];

  constructor(private readonly rows: StoredRow[]) {}

  scan(lo: number, hi: number, cap: number) {
    const inRange = this.rows.filter((row) => row.key >= lo && row.key <= hi);
    const scanned = Math.min(inRange.length, cap + 1);
    this.windowsRead.push({ lo, hi, scanned });
    if (inRange.length > cap) return Promise.resolve({ overflow: true, scanned, rows: [] });
    return Promise.resolve({ overflow: false, scanned, rows: inRange.filter((row) => row.matches).map(({ key, id }) => ({ key, id })) });
  }

  count(windows: ReadonlyArray<readonly [number, number]>, cap: number) {
    this.countsRead.push(windows.length);
    return Promise.resolve(windows.map(([lo, hi]) => Math.min(cap, this.rows.filter((row) => row.key >= lo && row.key <= hi).length)));
  }

  scanTies(key: number, afterId: string | null, direction: SortDirection, limit: number) {
    const ties = this.rows
      .filter((row) => row.key === key && row.matches)
      .filter((row) => afterId === null || (direction === 'asc' ? row.id > afterId : row.id < afterId))
      .sort((a, b) => (direction === 'asc' ? (a.id < b.id ? -1 : 1) : a.id < b.id ? 1 : -1))
      .slice(0, limit)
      .map(({ key: k, id }) => ({ key: k, id }));
    return Promise.resolve(ties);
  }
}

function expectedOrder(rows: StoredRow[], direction: SortDirection): KeyedRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  return rows
    .filter((row) => row.matches)
    .map(({ key, id }) => ({ key, id }))
    .sort((a, b) => sign * (a.key - b.key) || (a.id === b.id ? 0 : sign * (a.id < b.id ? -1 : 1)));
}

const DOMAIN = { min: -1e14, max: 1e14 };

/** Pages through everything, as a client following `next` does; fails on a page that makes no progress. */
async function pageThrough(source: KeysetSource, direction: SortDirection, limit: number, pivot?: number) {
  const seen: KeyedRow[] = [];
  const costs: Array<{ queries: number; scanned: number }> = [];
  let after: KeysetPosition | null = null;
  let width: number | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await readKeysetPage(source, { direction, after, limit, domain: DOMAIN, pivot, width });
    expect(result.rows.length).toBeLessThanOrEqual(limit);
    seen.push(...result.rows);
    costs.push(result.cost);
    if (!result.next) return { seen, costs };
    if (after) expect(result.next.after).not.toEqual(after);
    ({ after, width } = result.next);
  }
  throw new Error('the listing never ended');
}

describe('readKeysetPage', () => {
  const HOUR = 3_600_000;
  const now = 1_764_000_000_000;

  it('returns every row exactly once, in order, for random keys, ties, gaps, filters and page sizes', async () => {
    const row = fc.record({
      key: fc.oneof(
        fc.integer({ min: now - 400 * 24 * HOUR, max: now }),
        fc.integer({ min: -5, max: 5 }),
        fc.constantFrom(now, now - HOUR, 1e13 + now, -1e13 + now),
        fc.integer({ min: -1e14, max: 1e14 }),
      ),
      id: fc.string({ unit: fc.constantFrom('a', 'b', 'c', '0', '1'), minLength: 1, maxLength: 6 }),
      matches: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(row, { selector: (r) => r.id, maxLength: 400 }),
        fc.constantFrom<SortDirection>('asc', 'desc'),
        fc.integer({ min: 1, max: 60 }),
        fc.option(fc.constantFrom(now + 24 * HOUR, now, 0), { nil: undefined }),
        async (rows, direction, limit, pivot) => {
          const { seen } = await pageThrough(new InMemorySource(rows), direction, limit, pivot);
          expect(seen).toEqual(expectedOrder(rows, direction));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads one key holding more rows than a window may read in id order (ties beyond the cap)', async () => {
    const rows: StoredRow[] = Array.from({ length: 900 }, (_, index) => ({ key: now, id: String(index).padStart(4, '0'), matches: index % 3 !== 0 }));
    rows.push({ key: now - 1, id: 'x', matches: true }, { key: now + 1, id: 'y', matches: true });
    for (const direction of ['asc', 'desc'] as const) {
      const { seen } = await pageThrough(new InMemorySource(rows), direction, 50);
      expect(seen).toEqual(expectedOrder(rows, direction));
    }
  });

  it('costs the same on the first and the last page of a large listing (reads depend on the page, not on the rows stored)', async () => {
    // 200,000 rows, one every 2 minutes: newest first, pages of 100 (a window may read 404 entries).
    const rows: StoredRow[] = Array.from({ length: 200_000 }, (_, index) => ({ key: now - index * 120_000, id: `t${index}`, matches: true }));
    const source = new InMemorySource(rows);
    const firstPage = await readKeysetPage(source, { direction: 'desc', after: null, limit: 100, domain: DOMAIN, pivot: now + 60_000 });
    expect(firstPage.rows).toEqual(expectedOrder(rows, 'desc').slice(0, 100));
    // The last page, reached with the cursor of the page before it.
    const beforeLast = rows[rows.length - 51];
    const lastPage = await readKeysetPage(source, {
      direction: 'desc',
      after: { key: beforeLast.key, id: beforeLast.id },
      limit: 100,
      domain: DOMAIN,
      width: firstPage.next!.width,
    });
    expect(lastPage.rows).toHaveLength(50);
    expect(lastPage.next).toBeNull();
    expect(firstPage.cost.queries).toBeLessThanOrEqual(3);
    expect(lastPage.cost.queries).toBeLessThanOrEqual(3);
    for (const cost of [firstPage.cost, lastPage.cost]) expect(cost.scanned).toBeLessThanOrEqual(2 * 404);
    // No window read more than its cap (+ 1): never the whole range.
    expect(Math.max(...source.windowsRead.map((window) => window.scanned))).toBeLessThanOrEqual(405);
  });

  it('finds the first page of a range it knows nothing about with a few counts, whatever the order asked for', async () => {
    const rows: StoredRow[] = Array.from({ length: 200_000 }, (_, index) => ({ key: now - index * 120_000, id: `t${index}`, matches: true }));
    for (const direction of ['asc', 'desc'] as const) {
      const source = new InMemorySource(rows);
      const page = await readKeysetPage(source, { direction, after: null, limit: 100, domain: DOMAIN });
      expect(page.rows).toEqual(expectedOrder(rows, direction).slice(0, 100));
      expect(page.cost.queries).toBeLessThanOrEqual(10);
      expect(page.cost.scanned).toBeLessThanOrEqual(20 * 404);
      // The page after it starts from the width the first one found.
      const next = await readKeysetPage(source, { direction, after: page.next!.after, limit: 100, domain: DOMAIN, width: page.next!.width });
      expect(next.cost.queries).toBeLessThanOrEqual(2);
    }
  });

  it('stops a page early under a very selective filter and goes on from where it stopped', async () => {
    // 20,000 rows, one in 2,000 matching: a page cannot fill within its budget.
    const rows: StoredRow[] = Array.from({ length: 20_000 }, (_, index) => ({ key: now - index * 1000, id: `r${index}`, matches: index % 2000 === 7 }));
    const { seen, costs } = await pageThrough(new InMemorySource(rows), 'desc', 5);
    expect(seen).toEqual(expectedOrder(rows, 'desc'));
    for (const cost of costs) expect(cost.queries).toBeLessThanOrEqual(80);
  });
});
