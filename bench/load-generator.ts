import { runBenchChild } from './bench-child';
import type { Cleanup } from './cleanup';

/** One route under load. */
export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  /** JSON text; sent unchanged with every request. */
  body?: string;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  /** Processes whose CPU time over the measured run is reported (by name), besides the load generator's own. */
  watch?: Record<string, number>;
}

/** CPU time each process used during the measured run, in ms (absent where /proc is not available). */
export interface CpuUse {
  /** Wall-clock length of the measured run, ms. */
  wallMs: number;
  /** By process name (the `watch` names, and LOAD_GENERATOR). */
  byProcess: Record<string, number>;
}

export const LOAD_GENERATOR = 'load generator';

export interface LoadResult {
  /** autocannon's "Req/Sec Avg": the mean of its per-second samples. */
  requestsPerSecond: number;
  totalRequests: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  transportErrors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  cpu?: CpuUse;
  /** The share of the machine's CPU the hypervisor took during the measured run (steal), percent; absent without /proc. */
  stealPercent?: number;
}

export const errorsOf = (result: LoadResult): number => result.non2xx + result.transportErrors + result.timeouts;

/** Startup of the child (ts-node) and autocannon's final report, beyond the load itself. */
const CHILD_OVERHEAD_MS = 60_000;

/**
 * Drives one route with autocannon in another `node` process (autocannon-child.ts) and returns its
 * figures. The child is killed if it outlives the load by a minute, or if the bench is cleaned up.
 */
export function generateLoad(spec: LoadSpec, cleanup: Cleanup): Promise<LoadResult> {
  const timeoutMs = (spec.warmupSeconds + spec.seconds) * 1000 + CHILD_OVERHEAD_MS;
  return runBenchChild<LoadResult>('autocannon-child.ts', spec, timeoutMs, cleanup, `autocannon (${spec.method} ${spec.url})`);
}
