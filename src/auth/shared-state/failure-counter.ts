/**
 * Counts failures per key in a sliding window. Memory is bounded: past `maxKeys` keys the
 * least recently inserted are forgotten (an attacker rotating keys gains nothing from that, since
 * each key still needs `limit` failures to be blocked).
 */
export class FailureCounter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** No key has a failure on record: nothing can be blocked, whatever the key. */
  get isEmpty(): boolean {
    return this.failures.size === 0;
  }

  /** Seconds until `key` may try again, or 0 when it is not blocked. */
  retryAfterSeconds(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return 0;
    const unblockedAt = recent[recent.length - this.limit] + this.windowMs;
    return Math.max(1, Math.ceil((unblockedAt - now) / 1000));
  }

  record(key: string, now: number): void {
    const recent = this.recent(key, now);
    recent.push(now);
    this.remember(key, recent);
  }

  /**
   * Takes in the failures every instance recorded for `key` (`shared`: their times, this
   * instance's included), so this instance blocks as soon as the shared total reaches the limit.
   * Failures counted here alone (while the shared store was unreachable) are kept.
   */
  merge(key: string, shared: readonly number[], now: number): void {
    const local = this.recent(key, now);
    const fresh = shared.filter((at) => now - at < this.windowMs);
    // A failure of this instance is in both lists: per time, the larger of the two counts.
    const merged = [...local];
    const localCounts = countsOf(local);
    for (const [at, count] of countsOf(fresh)) {
      for (let extra = count - (localCounts.get(at) ?? 0); extra > 0; extra--) merged.push(at);
    }
    merged.sort((a, b) => a - b);
    this.remember(key, merged);
  }

  private remember(key: string, stamps: number[]): void {
    if (stamps.length === 0) return;
    // Only the last `limit` timestamps matter for blocking.
    if (stamps.length > this.limit) stamps.splice(0, stamps.length - this.limit);
    this.failures.delete(key);
    this.failures.set(key, stamps);
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  private recent(key: string, now: number): number[] {
    const stamps = this.failures.get(key);
    if (!stamps) return [];
    const fresh = stamps.filter((at) => now - at < this.windowMs);
    if (fresh.length === 0) this.failures.delete(key);
    return fresh;
  }
}

function countsOf(stamps: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const at of stamps) counts.set(at, (counts.get(at) ?? 0) + 1);
  return counts;
}
