/** Several Prometheus servers scraping at the same moment share one read of a scraped value. */
export const SCRAPE_READ_FRESH_MS = 1000;

/**
 * `read`, shared by every call within `freshMs` of the one that started it: a value read at scrape
 * time (a store query, a PING) costs the store once a second at most, however many scrapers ask.
 */
export function sharedRead<T>(read: () => Promise<T>, freshMs = SCRAPE_READ_FRESH_MS, clock: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = clock();
    if (!last || now - last.at >= freshMs) last = { at: now, value: read() };
    return last.value;
  };
}
