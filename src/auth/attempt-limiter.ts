import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TooManyAttemptsError } from '../common/domain-errors';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import { AuthModuleOptions, DEFAULT_BRUTE_FORCE, BruteForceOptions } from './auth.options';
import { FailureCounter } from './failure-counter';

/**
 * Brute-force protection that punishes the attacker, not the neighbour. Only failures count, so
 * automation that authenticates correctly is never slowed down. Logins: failures per client address
 * and per username. Bearer tokens and session cookies: failures per presented credential (so a CI
 * job retrying a revoked token blocks only that token, never a valid one from the same address),
 * and, for requests that present no credential at all, per client address with a high limit.
 * Counters are per service instance (in memory).
 */
@Injectable()
export class AttemptLimiter {
  private readonly loginsByClient: FailureCounter;
  private readonly loginsByUsername: FailureCounter;
  private readonly failuresByCredential: FailureCounter;
  private readonly anonymousByClient: FailureCounter;
  private readonly leakReportsByClient: FailureCounter;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions) {
    const limits: BruteForceOptions = { ...DEFAULT_BRUTE_FORCE, ...options.bruteForce };
    const windowMs = limits.windowSeconds * 1000;
    this.loginsByClient = new FailureCounter(limits.maxLoginFailuresPerClient, windowMs);
    this.loginsByUsername = new FailureCounter(limits.maxLoginFailuresPerUsername, windowMs);
    this.failuresByCredential = new FailureCounter(limits.maxFailuresPerCredential, windowMs);
    this.anonymousByClient = new FailureCounter(limits.maxAnonymousFailuresPerClient, windowMs);
    this.leakReportsByClient = new FailureCounter(limits.maxLeakReportsPerClient, windowMs);
  }

  /** Counts a report of leaked tokens from `client` (every report, not only failures): 429 past the limit. */
  acceptLeakReport(client: string): void {
    const now = Date.now();
    const wait = this.leakReportsByClient.retryAfterSeconds(client, now);
    if (wait > 0) throw new TooManyAttemptsError(wait);
    this.leakReportsByClient.record(client, now);
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

  /** `credential`: the presented token or cookie value, or undefined when the request carried none. */
  assertAuthenticationAllowed(client: string, credential: string | undefined): void {
    const wait =
      credential === undefined
        ? this.anonymousByClient.retryAfterSeconds(client, Date.now())
        : this.failuresByCredential.retryAfterSeconds(credentialKey(credential), Date.now());
    if (wait > 0) throw new TooManyAttemptsError(wait);
  }

  recordAuthenticationFailure(client: string, credential: string | undefined): void {
    if (credential === undefined) this.anonymousByClient.record(client, Date.now());
    else this.failuresByCredential.record(credentialKey(credential), Date.now());
  }
}

/** Counted by hash: the raw credential is never kept in memory longer than the request. */
function credentialKey(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}
