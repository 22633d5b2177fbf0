import type { BenchSettings } from './bench-settings';
import type { Cleanup } from './cleanup';
import { formatMs } from './latency-stats';
import { generateLoad, LoadResult } from './load-generator';
import { GRAPH_READ, RouteMeasurement } from './route-throughput';

/** The anchor app's two routes, measured in the same run as the service's. */
export interface AnchorRun {
  live: LoadResult;
  query: LoadResult;
}

/** Issue 24's targets: the service's route over the anchor's, in one run. */
const TARGETS = [
  { service: 'GET /health/live', anchor: 'live', atLeast: 0.7 },
  { service: 'GET /api/auth/tokens/{id}', anchor: 'live', atLeast: 0.35 },
  { service: 'POST /api/graph/{graph}/query', anchor: 'query', atLeast: 0.7 },
] as const;

/** The anchor's /live and /query, with the connections, timing and warm-up the service's routes had. */
export async function measureAnchor(baseUrl: string, settings: BenchSettings, cleanup: Cleanup, watch: Record<string, number>): Promise<AnchorRun> {
  const timing = { seconds: settings.secondsPerRoute, warmupSeconds: settings.warmupSeconds, watch, connections: settings.connections };
  const live = await generateLoad({ url: `${baseUrl}/live`, method: 'GET', headers: {}, ...timing }, cleanup);
  const query = await generateLoad(
    { url: `${baseUrl}/query`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(GRAPH_READ), ...timing },
    cleanup,
  );
  return { live, query };
}

/** One line per target: the ratio, the target, met or not. */
export function anchorLines(measured: RouteMeasurement[], anchor: AnchorRun): string[] {
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  const lines = [
    `The anchor (a bare Nest + Fastify app in its own process, bench/anchor/anchor-main.ts): GET /live ${count(anchor.live.requestsPerSecond)} req/s ` +
      `(p99 ${formatMs(anchor.live.p99Ms)}), POST /query (the same GRAPH.RO_QUERY on one connection) ${count(anchor.query.requestsPerSecond)} req/s (p99 ${formatMs(anchor.query.p99Ms)}).`,
  ];
  for (const target of TARGETS) {
    const service = measured.find((entry) => entry.route === target.service);
    if (!service) continue;
    const ratio = service.result.requestsPerSecond / anchor[target.anchor].requestsPerSecond;
    const verdict = ratio >= target.atLeast ? 'met' : 'not met';
    lines.push(`  ${target.service} / anchor ${target.anchor}: ${ratio.toFixed(2)} (target >= ${target.atLeast}: ${verdict})`);
  }
  return lines;
}
