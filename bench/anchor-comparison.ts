import { formatMs } from './latency-stats';
import type { LoadResult } from './load-generator';
import type { AnchorRound } from './route-throughput';

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

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One line per target: each round's ratio, their median, the target, met or not. */
export function anchorLines(rounds: AnchorRound[]): string[] {
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  const runs = (results: readonly LoadResult[]) => results.map((run) => `${count(run.requestsPerSecond)} (p99 ${formatMs(run.p99Ms)})`).join(', ');
  const lines = [
    'The anchor (a bare Nest + Fastify app in its own process, bench/anchor/anchor-main.ts), run right before and after the routes compared with it, ' +
      `in ${rounds.length} round${rounds.length === 1 ? '' : 's'}: GET /live ${runs(rounds.flatMap((round) => round.live))} req/s; ` +
      `POST /query (the Graph API route's GRAPH.RO_QUERY, arguments and all, on one connection) ${runs(rounds.flatMap((round) => round.query))} req/s.`,
  ];
  for (const target of TARGETS) {
    const ratios = rounds.flatMap((round) => {
      const service = round.service[target.service] as LoadResult | undefined;
      const anchor = round[target.anchor];
      return service && anchor.length ? [service.requestsPerSecond / meanRate(anchor)] : [];
    });
    if (ratios.length === 0) continue;
    const ratio = median(ratios);
    const verdict = ratio >= target.atLeast ? 'met' : 'not met';
    lines.push(
      `  ${target.service} / anchor ${target.anchor}: ${ratio.toFixed(2)}, the median of ${ratios.map((value) => value.toFixed(2)).join(', ')} ` +
        `(each over the mean of the anchor runs around it; target >= ${target.atLeast}: ${verdict})`,
    );
  }
  return lines;
}
