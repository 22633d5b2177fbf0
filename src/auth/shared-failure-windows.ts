import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import { AuthModuleOptions } from './auth.options';
import { SharedStateStore } from './shared-state-store';

/** Keys outlive their newest failure by this much, for clocks that differ between instances. */
const CLOCK_SKEW_MARGIN_MS = 60_000;

/**
 * Adds one failure to a key's sorted set (scored by the instance's clock, so fake clocks in tests
 * hold too), keeps only the newest `limit` (older ones can no longer decide a block) and answers
 * the times of the failures still in the window. One command, so atomic for the key.
 * KEYS[1]: the set. ARGV: now, unique member, exclusive lower bound `(now - window`,
 * rank below which to trim `-(limit + 1)`, TTL in ms.
 */
const APPEND_FAILURE = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local entries = redis.call('ZRANGE', KEYS[1], ARGV[3], '+inf', 'BYSCORE', 'WITHSCORES')
local times = {}
for i = 2, #entries, 2 do times[#times + 1] = entries[i] end
return times
`;

/**
 * Failure windows every instance of the service shares through the token store's FalkorDB, so N
 * instances do not give an attacker N times the attempts. Only failures are written; checks stay in
 * each instance's memory (see SharedFailureCounter). Keys hold only a SHA-256 of what is counted
 * (address, username, credential hash). In `instance` mode nothing is shared.
 */
@Injectable()
export class SharedFailureWindows {
  private readonly shared: SharedStateStore;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions, store: FalkorDbConnection) {
    this.shared = new SharedStateStore(options, store, 'AttemptLimiter', 'Failed attempts');
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
    if (!this.enabled) return undefined;
    const setKey = this.shared.key('failures', counter, createHash('sha256').update(key).digest('base64url'));
    const member = randomBytes(8).toString('base64url');
    // Unreachable, or refused (e.g. a service user without EVAL): undefined, never a failed request.
    const reply = await this.shared.run([
      'EVAL', APPEND_FAILURE, '1', setKey,
      String(now), member, `(${now - windowMs}`, String(-(limit + 1)), String(windowMs + CLOCK_SKEW_MARGIN_MS),
    ]);
    if (reply === undefined) return undefined;
    return Array.isArray(reply) ? reply.map(Number).filter(Number.isFinite) : [];
  }
}
