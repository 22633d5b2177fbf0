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
    // Only the last `limit` timestamps matter for blocking.
    if (recent.length > this.limit) recent.splice(0, recent.length - this.limit);
    this.failures.delete(key);
    this.failures.set(key, recent);
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
