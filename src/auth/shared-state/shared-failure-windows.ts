import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SharedState } from './shared-state';
import { SharedStateAccess } from './shared-state-access';

/** Keys outlive their newest failure by this much, for clocks that differ between instances. */
const CLOCK_SKEW_MARGIN_MS = 60_000;

/**
 * Failure windows every instance of the service shares through the token store's FalkorDB, so N
 * instances do not give an attacker N times the attempts. Only failures are written; checks stay in
 * each instance's memory (see SharedFailureCounter). Keys hold only a SHA-256 of what is counted
 * (address, username, credential hash). In `instance` mode nothing is shared.
 */
@Injectable()
export class SharedFailureWindows {
  private readonly shared: SharedStateAccess;

  constructor(state: SharedState) {
    this.shared = state.access('AttemptLimiter', 'Failed attempts');
  }

  get enabled(): boolean {
    return this.shared.enabled;
  }

  /**
   * Records a failure of `key` in `counter`'s shared window: the times of every instance's recent
   * failures of that key (the newest `limit`), or undefined when nothing is shared (instance mode,
   * or FalkorDB cannot take it now: the caller counts alone). Never throws.
   */
  async append(counter: string, key: string, now: number, windowMs: number, limit: number): Promise<number[] | undefined> {
    const setKey = this.shared.key('failures', counter, createHash('sha256').update(key).digest('base64url'));
    // Unreachable, or refused (e.g. a service user without EVAL): undefined, never a failed request.
    const times = await this.shared.attempt((storage) => storage.appendFailure(setKey, now, windowMs, limit, windowMs + CLOCK_SKEW_MARGIN_MS));
    // Only numbers count, whatever a host's storage answers (a merge adds failures: never fewer than here).
    return times === undefined ? undefined : Array.isArray(times) ? times.map(Number).filter(Number.isFinite) : [];
  }
}
