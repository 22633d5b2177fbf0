import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TooManyAttemptsError } from './auth-errors';
import { AUTH_MODULE_OPTIONS } from './auth.module-definition';
import { AuthModuleOptions, DEFAULT_BRUTE_FORCE, BruteForceOptions } from './auth.options';
import { FailureCounter } from './shared-state/failure-counter';
import { SharedFailureCounter } from './shared-state/shared-failure-counter';
import { SharedFailureWindows } from './shared-state/shared-failure-windows';

/**
 * Brute-force protection that punishes the attacker, not the neighbour. Only failures count, so
 * automation that authenticates correctly is never slowed down. Logins: failures per client address
 * and per username. Bearer tokens and session cookies: failures per presented credential (so a CI
 * job retrying a revoked token blocks only that token, never a valid one from the same address),
 * and, for requests that present no credential at all, per client address with a high limit.
 *
 * Checks read this instance's memory only. Failures that can succeed or that cost the store work
 * anyway (logins, leak reports, credentials the store refused) are also counted in FalkorDB, shared
 * by every instance (SharedFailureWindows, unless `sharedState: 'instance'`). Failures that can
 * never succeed and cost the store nothing (a bad signature, no credential at all) are counted per
 * instance: sharing them would only let anyone turn free requests into store writes.
 */
@Injectable()
export class AttemptLimiter {
  private readonly loginsByClient: SharedFailureCounter;
  private readonly loginsByUsername: SharedFailureCounter;
  private readonly failuresByCredential: SharedFailureCounter;
  /** Never shared: a request without a credential cannot guess anything, and costs the store nothing. */
  private readonly anonymousByClient: FailureCounter;
  private readonly leakReportsByClient: SharedFailureCounter;

  constructor(@Inject(AUTH_MODULE_OPTIONS) options: AuthModuleOptions, shared: SharedFailureWindows) {
    const limits: BruteForceOptions = { ...DEFAULT_BRUTE_FORCE, ...options.bruteForce };
    const windowMs = limits.windowSeconds * 1000;
    const counter = (name: string, limit: number) => new SharedFailureCounter(name, limit, windowMs, shared);
    this.loginsByClient = counter('login-client', limits.maxLoginFailuresPerClient);
    this.loginsByUsername = counter('login-username', limits.maxLoginFailuresPerUsername);
    this.failuresByCredential = counter('credential', limits.maxFailuresPerCredential);
    this.anonymousByClient = new FailureCounter(limits.maxAnonymousFailuresPerClient, windowMs);
    this.leakReportsByClient = counter('leak-report-client', limits.maxLeakReportsPerClient);
  }

  /** Counts a report of leaked tokens from `client` (every report, not only failures): 429 past the limit. */
  async acceptLeakReport(client: string): Promise<void> {
    const now = Date.now();
    const wait = this.leakReportsByClient.retryAfterSeconds(client, now);
    if (wait > 0) throw new TooManyAttemptsError(wait);
    await this.leakReportsByClient.record(client, now);
  }

  assertLoginAllowed(client: string, username: string): void {
    const now = Date.now();
    const wait = Math.max(
      this.loginsByClient.retryAfterSeconds(client, now),
      this.loginsByUsername.retryAfterSeconds(username.toLowerCase(), now),
    );
    if (wait > 0) throw new TooManyAttemptsError(wait);
  }

  /** Counted here at once; the promise settles once the shared count is known (it never rejects). */
  async recordLoginFailure(client: string, username: string): Promise<void> {
    const now = Date.now();
    await Promise.all([this.loginsByClient.record(client, now), this.loginsByUsername.record(username.toLowerCase(), now)]);
  }

  /**
   * Settles once this credential's earlier failures have come back from the shared count, so the
   * check that follows sees every instance's total; undefined when none is on its way (the usual
   * case, with no hashing at all).
   */
  failuresBeingCounted(credential: string | undefined): Promise<void> | undefined {
    if (credential === undefined || !this.failuresByCredential.isCounting) return undefined;
    return this.failuresByCredential.beingCounted(credentialKey(credential));
  }

  /**
   * `credential`: the presented token or cookie value, or undefined when the request carried none.
   * While no credential has a failure on record (the usual case) nothing is hashed.
   */
  assertAuthenticationAllowed(client: string, credential: string | undefined): void {
    if (credential !== undefined && this.failuresByCredential.isEmpty) return;
    const wait =
      credential === undefined
        ? this.anonymousByClient.retryAfterSeconds(client, Date.now())
        : this.failuresByCredential.retryAfterSeconds(credentialKey(credential), Date.now());
    if (wait > 0) throw new TooManyAttemptsError(wait);
  }

  /**
   * `refusedByStore`: the credential's signature held and the token store refused it (revoked,
   * expired or unknown there); only such failures are shared. Counted here at once; the promise
   * settles once the shared count is known (it never rejects).
   */
  async recordAuthenticationFailure(client: string, credential: string | undefined, refusedByStore = false): Promise<void> {
    const now = Date.now();
    if (credential === undefined) this.anonymousByClient.record(client, now);
    else if (refusedByStore) await this.failuresByCredential.record(credentialKey(credential), now);
    else this.failuresByCredential.recordLocally(credentialKey(credential), now);
  }
}

/** Counted by hash: the raw credential is never kept in memory longer than the request. */
function credentialKey(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}
