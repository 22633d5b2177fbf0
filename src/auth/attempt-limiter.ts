import { Inject, Injectable } from '@nestjs/common';
import { TooManyAttemptsError } from '../common/domain-errors';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import { AuthModuleOptions, DEFAULT_BRUTE_FORCE, BruteForceOptions } from './auth.options';
import { FailureCounter } from './failure-counter';

/**
 * Brute-force protection. Only failures count, so automation that authenticates correctly is
 * never slowed down: failed logins per client address and per username, failed bearer tokens per
 * client address. Counters are per service instance (in memory).
 */
@Injectable()
export class AttemptLimiter {
  private readonly loginsByClient: FailureCounter;
  private readonly loginsByUsername: FailureCounter;
  private readonly bearersByClient: FailureCounter;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions) {
    const limits: BruteForceOptions = { ...DEFAULT_BRUTE_FORCE, ...options.bruteForce };
    const windowMs = limits.windowSeconds * 1000;
    this.loginsByClient = new FailureCounter(limits.maxLoginFailuresPerClient, windowMs);
    this.loginsByUsername = new FailureCounter(limits.maxLoginFailuresPerUsername, windowMs);
    this.bearersByClient = new FailureCounter(limits.maxBearerFailuresPerClient, windowMs);
  }

  assertLoginAllowed(client: string, username: string): void {
    const now = Date.now();
    const wait = Math.max(
      this.loginsByClient.retryAfterSeconds(client, now),
      this.loginsByUsername.retryAfterSeconds(username.toLowerCase(), now),
    );
    if (wait > 0) throw new TooManyAttemptsError(wait);
  }

  recordLoginFailure(client: string, username: string): void {
    const now = Date.now();
    this.loginsByClient.record(client, now);
    this.loginsByUsername.record(username.toLowerCase(), now);
  }

  assertBearerAllowed(client: string): void {
    const wait = this.bearersByClient.retryAfterSeconds(client, Date.now());
    if (wait > 0) throw new TooManyAttemptsError(wait);
  }

  recordBearerFailure(client: string): void {
    this.bearersByClient.record(client, Date.now());
  }
}
