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
  let samples: number[] = [];
  let staleAcceptances = 0;
  let maxPolls = 0;
  for (let trial = -warmupTrials; trial < trials; trial++) {
    if (trial === 0) {
      samples = [];
      staleAcceptances = 0;
      maxPolls = 0;
    }
    const minted = await a.mint(user, 'bench revocation');
    const before = await b.getToken(minted);
    if (before.status !== 200) throw new Error(`trial ${trial}: a token minted on A answered ${before.status} on B before revocation: ${before.body}`);

    const revoked = await a.revoke(minted);
    if (revoked.status !== 200) throw new Error(`trial ${trial}: revoking on A answered ${revoked.status}: ${revoked.body}`);
    const confirmedAt = revoked.arrivedAt;

    for (let polls = 1; ; polls++) {
      const answer = await b.getToken(minted);
      if (answer.status === 401) {
        samples.push(answer.arrivedAt - confirmedAt);
        maxPolls = Math.max(maxPolls, polls);
        break;
      }
      if (answer.status !== 200) throw new Error(`trial ${trial}: B answered ${answer.status} for a revoked token: ${answer.body}`);
      staleAcceptances += 1;
      if (answer.arrivedAt - confirmedAt > GIVE_UP_AFTER_MS) throw new Error(`trial ${trial}: B still accepts the token ${GIVE_UP_AFTER_MS / 1000} s after its revocation on A`);
    }
  }
  return { ...latencyStats(samples), staleAcceptances, maxPolls, warmupTrials };
}
