import type { BenchSettings } from './bench-settings';
import type { Cleanup } from './cleanup';
import { errorsOf, generateLoad, LoadResult, LoadSpec } from './load-generator';
import { formatMs } from './latency-stats';
import type { Credentials, MintedToken, ServiceClient } from './service-client';

/** A small graph of the writer's own for the Graph API route: what is measured is the path to FalkorDB, not the query. */
export const BENCH_GRAPH = 'bench_graph';
const BENCH_GRAPH_NODES = 100;
export const GRAPH_READ = { query: 'MATCH (n:Bench) RETURN count(n)', readOnly: true };

/** Names of the processes whose CPU time the route table shows (besides the load generator). */
export const SERVICE_PROCESS = 'service';
export const FALKORDB_PROCESS = 'FalkorDB';

export interface RouteMeasurement {
  /** As the README names the route. */
  route: string;
  /** A /health/live run: what the other routes are compared to. */
  baseline: boolean;
  /** What the request goes through, in a few words. */
  what: string;
  connections: number;
  result: LoadResult;
}

export const MINT_ROUTE = 'POST /api/auth/tokens/credentials';

/** Minting at `mintConnections`: every request mints a new token (same name, new id); the bench raises the cap. */
export function mintSpec(base: string, minter: Credentials, settings: BenchSettings, watch: Record<string, number>): LoadSpec {
  return {
    url: `${base}/api/auth/tokens/credentials`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: minter.username, password: minter.password, name: 'bench load mint' }),
    connections: settings.mintConnections,
    seconds: settings.secondsPerRoute,
    warmupSeconds: settings.warmupSeconds,
    watch,
  };
}

export async function createBenchGraph(client: ServiceClient, writer: MintedToken): Promise<void> {
  await client.graphQuery(BENCH_GRAPH, writer.token, { query: `UNWIND range(1, ${BENCH_GRAPH_NODES}) AS i CREATE (:Bench {i: i})` });
}

/** The anchor app's routes, run between the service's (see anchor-comparison.ts). */
export interface AnchorRoutes {
  baseUrl: string;
  /** The anchor process's pid, for its CPU time. */
  watch: Record<string, number>;
}

/** One round of the routes compared with the anchor: each service route's run, and the anchor runs around it. */
export interface AnchorRound {
  /** Service route -> its run in this round. */
  service: Record<string, LoadResult>;
  live: LoadResult[];
  query: LoadResult[];
}

/** What the route table shows of a route measured in several rounds: its median run (by req/s). */
function medianRun(runs: readonly LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * Each route in turn, between two runs of /health/live: the baseline (Fastify, helmet and the
 * request log, no auth, no FalkorDB) that the other routes are compared to. It is measured in the
 * same run because absolute figures move with whatever else the machine is doing, and twice, first
 * and last, so the drift of the machine during the run shows (ratios use the mean of the two).
 * The routes compared with the anchor run in `settings.rounds` rounds, the anchor's routes right
 * before and after the service routes they are compared with; a route's figures are its median run.
 */
export async function measureRoutes(
  client: ServiceClient,
  tokens: { writer: MintedToken; admin: MintedToken; graphWriter: MintedToken; minter: Credentials },
  settings: BenchSettings,
  cleanup: Cleanup,
  /** Processes whose CPU time per route is reported, by name (the service, FalkorDB). */
  watch: Record<string, number>,
  anchorRoutes: AnchorRoutes,
): Promise<{ measured: RouteMeasurement[]; rounds: AnchorRound[] }> {
  const base = client.baseUrl;
  const bearer = (minted: MintedToken) => ({ authorization: `Bearer ${minted.token}` });
  const json = { 'content-type': 'application/json' };
  const timing = { seconds: settings.secondsPerRoute, warmupSeconds: settings.warmupSeconds, watch };
  const anchorTiming = { ...timing, watch: anchorRoutes.watch, connections: settings.connections };
  type Route = { route: string; what: string; spec: LoadSpec };
  const baseline: Route = {
    route: 'GET /health/live',
    what: 'no auth: the baseline, measured first',
    spec: { url: `${base}/health/live`, method: 'GET', headers: {}, connections: settings.connections, ...timing },
  };
  const patRoute: Route = {
    route: 'GET /api/auth/tokens/{id}',
    what: 'PAT verified + checked in FalkorDB + read',
    spec: { url: `${base}/api/auth/tokens/${tokens.writer.tokenId}`, method: 'GET', headers: bearer(tokens.writer), connections: settings.connections, ...timing },
  };
  const adminRoute: Route = {
    route: 'GET /api/auth/tokens/{id} (admin PAT)',
    what: 'as above + admin role confirmed against the ACL (remembered 30 s)',
    spec: { url: `${base}/api/auth/tokens/${tokens.admin.tokenId}`, method: 'GET', headers: bearer(tokens.admin), connections: settings.connections, ...timing },
  };
  const graphRoute: Route = {
    route: `POST /api/graph/{graph}/query`,
    what: `PAT + read-only Cypher as the token's user (${GRAPH_READ.query})`,
    spec: {
      url: `${base}/api/graph/${BENCH_GRAPH}/query`,
      method: 'POST',
      headers: { ...bearer(tokens.graphWriter), ...json },
      body: JSON.stringify(GRAPH_READ),
      connections: settings.connections,
      ...timing,
    },
  };
  const mintRoute: Route = { route: MINT_ROUTE, what: 'mint: FalkorDB login as the user + new token stored (fsync)', spec: mintSpec(base, tokens.minter, settings, watch) };
  const baselineAgain: Route = { ...baseline, route: 'GET /health/live (again)', what: 'the baseline again, measured last' };
  const anchorLive: LoadSpec = { url: `${anchorRoutes.baseUrl}/live`, method: 'GET', headers: {}, ...anchorTiming };
  const anchorQuery: LoadSpec = { url: `${anchorRoutes.baseUrl}/query`, method: 'POST', headers: json, body: JSON.stringify(GRAPH_READ), ...anchorTiming };
  type Step = Route | { anchor: 'live' | 'query'; spec: LoadSpec };
  const round: Step[] = [
    { anchor: 'live', spec: anchorLive },
    baseline,
    patRoute,
    { anchor: 'live', spec: anchorLive },
    adminRoute,
    { anchor: 'query', spec: anchorQuery },
    graphRoute,
    { anchor: 'query', spec: anchorQuery },
  ];

  if (settings.settleSeconds > 0) {
    // Unmeasured runs (no warm-up of their own: this is the warm-up): the service's PAT route for the
    // whole settle time, then its Graph API route and the anchor's two routes for a third of it each,
    // so no process meets its first load in a measured run.
    const third = Math.max(1, Math.round(settings.settleSeconds / 3));
    const settling = [
      { spec: patRoute.spec, seconds: settings.settleSeconds },
      { spec: graphRoute.spec, seconds: third },
      { spec: anchorLive, seconds: third },
      { spec: anchorQuery, seconds: third },
    ];
    for (const { spec, seconds } of settling) await generateLoad({ ...spec, seconds, warmupSeconds: 0 }, cleanup);
  }

  const runsByRoute = new Map<string, LoadResult[]>();
  const rounds: AnchorRound[] = [];
  const measure = async (step: Step, roundNumber: number): Promise<LoadResult> => {
    const spec = roundNumber > 1 ? { ...step.spec, warmupSeconds: Math.min(step.spec.warmupSeconds, LATER_ROUND_WARMUP_SECONDS) } : step.spec;
    const result = await generateLoad(spec, cleanup);
    const name = 'anchor' in step ? `anchor ${step.spec.method} /${step.anchor}` : step.route;
    console.log(
      `  ${settings.rounds > 1 ? `[${roundNumber}] ` : ''}${name.padEnd(40)} ${Math.round(result.requestsPerSecond).toLocaleString('en-US').padStart(7)} req/s  ` +
        `p50 ${formatMs(result.p50Ms)}  p99 ${formatMs(result.p99Ms)}  errors ${errorsOf(result)}` +
        (result.stealPercent === undefined ? '' : `  steal ${result.stealPercent.toFixed(0)} %`),
    );
    return result;
  };
  for (let roundNumber = 1; roundNumber <= settings.rounds; roundNumber++) {
    const current: AnchorRound = { service: {}, live: [], query: [] };
    for (const step of round) {
      const result = await measure(step, roundNumber);
      if ('anchor' in step) current[step.anchor].push(result);
      else {
        current.service[step.route] = result;
        runsByRoute.set(step.route, [...(runsByRoute.get(step.route) ?? []), result]);
      }
    }
    rounds.push(current);
  }
  for (const step of [mintRoute, baselineAgain]) runsByRoute.set(step.route, [await measure(step, settings.rounds)]);

  const measured = [baseline, patRoute, adminRoute, graphRoute, mintRoute, baselineAgain].map((route) => ({
    route: route.route,
    what: route.what,
    baseline: route === baseline || route === baselineAgain,
    connections: route.spec.connections,
    result: medianRun(runsByRoute.get(route.route) ?? []),
  }));
  return { measured, rounds };
}

/** Later rounds need no long warm-up: the processes have been under load for minutes. */
const LATER_ROUND_WARMUP_SECONDS = 2;
