import { FailureCounter } from './failure-counter';
import { SharedFailureWindows } from './shared-failure-windows';

/**
 * A FailureCounter whose failures are also written to the window all instances share. The check
 * reads only this instance's memory (no round trip per request); each failure recorded here brings
 * back the shared count, so this instance blocks a key as soon as the total across instances
 * reaches the limit. N instances then allow at most limit + N - 1 attempts, not N x limit.
 */
export class SharedFailureCounter {
  private readonly local: FailureCounter;

  constructor(
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly shared: SharedFailureWindows,
  ) {
    this.local = new FailureCounter(limit, windowMs);
  }

  /** Seconds until `key` may try again, or 0 when it is not blocked. */
  retryAfterSeconds(key: string, now: number): number {
    return this.local.retryAfterSeconds(key, now);
  }

  /** Counts a failure here at once, then in the shared window (alone when that is unavailable). Never rejects. */
  async record(key: string, now: number): Promise<void> {
    this.local.record(key, now);
    const everyInstance = await this.shared.append(this.name, key, now, this.windowMs, this.limit);
    if (everyInstance) this.local.merge(key, everyInstance, now);
  }

  /** Counts a failure in this instance only. */
  recordLocally(key: string, now: number): void {
    this.local.record(key, now);
  }
}
