/**
 * What one `npm run bench` measures, read once from BENCH_* environment variables. The defaults
 * are the figures the README quotes; small values give a quick smoke run
 * (`BENCH_TOKENS=10000 BENCH_SECONDS=3 npm run bench`).
 */
export interface BenchSettings {
  /** Tokens the store grows to while service A runs (spread over 1,000 users). */
  seededTokens: number;
  /** Measured seconds of load per route. */
  secondsPerRoute: number;
  /** Unmeasured load before each route's measurement, so JIT warm-up and connection setup are not in the figures. */
  warmupSeconds: number;
  /**
   * Unmeasured load on the authenticated path once, before the first route. A fresh service needs
   * some 20-30 s under load to reach its steady rate (JIT, heap sizing, connection pools): without
   * this, whichever authenticated route came first measured 20-40% below the others.
   */
  settleSeconds: number;
  /**
   * Rounds of the routes compared with the anchor, each anchor run next to the service runs it is
   * compared with. One 10-second run on this shared machine can be 40 % off the next with nothing
   * else running (the hypervisor's steal shows none of it): the figures are each route's median run
   * and each target's median ratio over the rounds. Rounds after the first warm up for 2 s.
   */
  rounds: number;
  /** autocannon connections for the read routes; credential minting gets `mintConnections`. */
  connections: number;
  mintConnections: number;
  /** Sequential mints per series of the mint-latency comparison. */
  mintLatencySamples: number;
  /** Tokens the one user holds for the second series of the mint-latency comparison. */
  heldTokens: number;
  /** Revoke-on-A, poll-B trials. */
  revocationTrials: number;
  /** Unmeasured trials before them (JIT warm-up of the freshly started B). */
  revocationWarmupTrials: number;
  /** The whole run is stopped (and cleaned up) after this long. */
  deadlineMs: number;
}

function readCount(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name]?.trim().replace(/_/g, '');
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be an integer >= ${minimum} (got "${process.env[name]}")`);
  return value;
}

export function readBenchSettings(): BenchSettings {
  return {
    seededTokens: readCount('BENCH_TOKENS', 1_000_000, 0),
    secondsPerRoute: readCount('BENCH_SECONDS', 10, 1),
    warmupSeconds: readCount('BENCH_WARMUP_SECONDS', 5, 0),
    settleSeconds: readCount('BENCH_SETTLE_SECONDS', 30, 0),
    rounds: readCount('BENCH_ROUNDS', 3, 1),
    connections: readCount('BENCH_CONNECTIONS', 50, 1),
    mintConnections: readCount('BENCH_MINT_CONNECTIONS', 10, 1),
    mintLatencySamples: readCount('BENCH_MINT_SAMPLES', 200, 10),
    heldTokens: readCount('BENCH_HELD_TOKENS', 20_000, 1),
    revocationTrials: readCount('BENCH_REVOCATION_TRIALS', 200, 1),
    revocationWarmupTrials: readCount('BENCH_REVOCATION_WARMUP_TRIALS', 20, 0),
    deadlineMs: readCount('BENCH_DEADLINE_MINUTES', 30, 1) * 60_000,
  };
}
