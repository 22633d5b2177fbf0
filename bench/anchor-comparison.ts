import { formatMs } from './latency-stats';
import type { LoadResult } from './load-generator';
import type { AnchorRun, RouteMeasurement } from './route-throughput';

/** Issue 24's targets: the service's route over the anchor's, in one run. */
const TARGETS = [
  { service: 'GET /health/live', anchor: 'live', atLeast: 0.7 },
  { service: 'GET /api/auth/tokens/{id}', anchor: 'live', atLeast: 0.35 },
  { service: 'POST /api/graph/{graph}/query', anchor: 'query', atLeast: 0.7 },
] as const;

/** Mean requests per second of the anchor runs that bracket the service's route. */
function meanRate(runs: readonly LoadResult[]): number {
  return runs.reduce((sum, run) => sum + run.requestsPerSecond, 0) / runs.length;
}

/** One line per target: the ratio, the target, met or not. */
export function anchorLines(measured: RouteMeasurement[], anchor: AnchorRun): string[] {
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  const runs = (results: readonly LoadResult[]) => results.map((run) => `${count(run.requestsPerSecond)} (p99 ${formatMs(run.p99Ms)})`).join(' and ');
  const lines = [
    'The anchor (a bare Nest + Fastify app in its own process, bench/anchor/anchor-main.ts), run right before and after the routes compared with it: ' +
      `GET /live ${runs(anchor.live)} req/s; POST /query (the Graph API route's GRAPH.RO_QUERY, arguments and all, on one connection) ${runs(anchor.query)} req/s.`,
  ];
  for (const target of TARGETS) {
    const service = measured.find((entry) => entry.route === target.service);
    if (!service || anchor[target.anchor].length === 0) continue;
    const ratio = service.result.requestsPerSecond / meanRate(anchor[target.anchor]);
    const verdict = ratio >= target.atLeast ? 'met' : 'not met';
    lines.push(`  ${target.service} / anchor ${target.anchor} (mean of the runs around it): ${ratio.toFixed(2)} (target >= ${target.atLeast}: ${verdict})`);
  }
  return lines;
}
