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
  /** Failures whose shared count has not come back yet, by key. */
  private readonly counting = new Map<string, Promise<void>>();

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

  /** No key has a failure on record here: nothing can be blocked (cheap: no key needed). */
  get isEmpty(): boolean {
    return this.local.isEmpty;
  }

  /** Counts a failure here at once, then in the shared window (alone when that is unavailable). Never rejects. */
  record(key: string, now: number): Promise<void> {
    this.local.record(key, now);
    const counted = this.shared.append(this.name, key, now, this.windowMs, this.limit).then((everyInstance) => {
      if (everyInstance) this.local.merge(key, everyInstance, now);
      if (this.counting.get(key) === counted) this.counting.delete(key);
    });
    this.counting.set(key, counted);
    return counted;
  }

  /**
   * Settles once the failures of `key` recorded so far are merged with the shared count: a check
   * made after that sees every instance's total. Undefined when none is on its way (the usual case).
   */
  beingCounted(key: string): Promise<void> | undefined {
    return this.counting.size === 0 ? undefined : this.counting.get(key);
  }

  /** Whether any failure is still on its way to the shared count (cheap: no key needed). */
  get isCounting(): boolean {
    return this.counting.size > 0;
  }

  /** Counts a failure in this instance only. */
  recordLocally(key: string, now: number): void {
    this.local.record(key, now);
  }
}
