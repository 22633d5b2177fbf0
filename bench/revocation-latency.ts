import { runBenchChild } from './bench-child';
import type { Cleanup } from './cleanup';
import { LatencyStats, latencyStats } from './latency-stats';
import type { Credentials, ServiceClient } from './service-client';

/** What revocation-child.ts is given: the two instances, the user minting, how many trials. */
export interface RevocationTrialsSpec {
  aUrl: string;
  bUrl: string;
  user: Credentials;
  trials: number;
  warmupTrials: number;
}

/** Per trial at most (mint, check, revoke, poll), beyond the child's startup. */
const TRIAL_TIMEOUT_MS = 35_000;
const CHILD_STARTUP_MS = 60_000;

/**
 * measureRevocationLatency from a fresh process of its own (revocation-child.ts): the bench
 * driver's heap (it seeded the store) and its event loop stay out of the latencies.
 */
export function measureRevocationLatencyInChild(spec: RevocationTrialsSpec, cleanup: Cleanup): Promise<RevocationLatency> {
  const timeoutMs = CHILD_STARTUP_MS + (spec.trials + spec.warmupTrials) * TRIAL_TIMEOUT_MS;
  return runBenchChild<RevocationLatency>('revocation-child.ts', spec, timeoutMs, cleanup, 'revocation trials');
}

export interface RevocationLatency extends LatencyStats {
  /** Requests B still accepted (200) after A had confirmed the revocation, over all trials. */
  staleAcceptances: number;
  /** Polls of B per trial until its 401, at most. */
  maxPolls: number;
  /** Unmeasured trials run first. */
  warmupTrials: number;
}

/** A trial whose token B still accepts this long after the revocation is a failure, not a latency. */
const GIVE_UP_AFTER_MS = 30_000;

/**
 * How long a revoked token keeps working on ANOTHER instance of the service. Per trial: mint on A,
 * check it works on B (200, so B has seen it: a cache, if there is one, holds it), revoke on A, and
 * from the moment A's 200 arrives poll B with the token back to back until B says 401. The figure
 * is (arrival of B's first 401) − (arrival of A's 200): one request's time when B has heard A's
 * revocation notice or reads the store, more if B ever served the revoked token from memory.
 */
export async function measureRevocationLatency(
  a: ServiceClient,
  b: ServiceClient,
  user: Credentials,
  trials: number,
  /** Unmeasured trials first: a freshly started B runs its refusal path for the first time in them. */
  warmupTrials: number,
): Promise<RevocationLatency> {
  for (let trial = 0; trial < warmupTrials; trial++) await runTrial(a, b, user, `warm-up trial ${trial}`);
  const results: TrialResult[] = [];
  for (let trial = 0; trial < trials; trial++) results.push(await runTrial(a, b, user, `trial ${trial}`));
  return {
    ...latencyStats(results.map((result) => result.latencyMs)),
    staleAcceptances: results.reduce((sum, result) => sum + result.staleAcceptances, 0),
    maxPolls: Math.max(0, ...results.map((result) => result.polls)),
    warmupTrials,
  };
}

interface TrialResult {
  latencyMs: number;
  /** Polls of B until its 401. */
  polls: number;
  /** Of those, the ones B still answered 200. */
  staleAcceptances: number;
}

async function runTrial(a: ServiceClient, b: ServiceClient, user: Credentials, trial: string): Promise<TrialResult> {
  const minted = await a.mint(user, 'bench revocation');
  const before = await b.getToken(minted);
  if (before.status !== 200) throw new Error(`${trial}: a token minted on A answered ${before.status} on B before revocation: ${before.body}`);

  const revoked = await a.revoke(minted);
  if (revoked.status !== 200) throw new Error(`${trial}: revoking on A answered ${revoked.status}: ${revoked.body}`);
  const confirmedAt = revoked.arrivedAt;

  for (let polls = 1; ; polls++) {
    const answer = await b.getToken(minted);
    if (answer.status === 401) return { latencyMs: answer.arrivedAt - confirmedAt, polls, staleAcceptances: polls - 1 };
    if (answer.status !== 200) throw new Error(`${trial}: B answered ${answer.status} for a revoked token: ${answer.body}`);
    if (answer.arrivedAt - confirmedAt > GIVE_UP_AFTER_MS) throw new Error(`${trial}: B still accepts the token ${GIVE_UP_AFTER_MS / 1000} s after its revocation on A`);
  }
}
