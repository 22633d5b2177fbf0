import type { BenchSettings } from './bench-settings';
import { errorsOf, LOAD_GENERATOR, LoadResult } from './load-generator';
import { formatMs } from './latency-stats';
import type { FalkorDbAloneRun } from './falkordb-alone';
import type { MachineInfo } from './machine-info';
import type { MintLatencyComparison } from './mint-latency';
import type { RevocationLatency } from './revocation-latency';
import { FALKORDB_PROCESS, RouteMeasurement, SERVICE_PROCESS } from './route-throughput';

/** Everything printed by the bench; the phases compute, this file only formats. */

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

function table(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function printHeader(info: MachineInfo, settings: BenchSettings, build: string): void {
  console.log('FalkorDB PAT service benchmark (npm run bench)');
  console.log(`  date            ${info.date}`);
  console.log(`  machine         ${info.cores} cores, ${info.cpuModel}, ${info.memoryGb} GB`);
  console.log(`  load average    ${info.loadAverageAtStart.toFixed(2)} (1 min) at start${info.loadAverageAtStart > info.cores ? ': the machine was busy, expect noisy figures' : ''}`);
  console.log(`  node            ${info.nodeVersion}`);
  console.log(`  code            ${info.commit}; ${build}`);
  console.log(`  service         node dist/main.js, NODE_ENV=production, request log on (to a file), external FalkorDB on loopback`);
  console.log(
    `  token store     grown in place to ${count(settings.seededTokens)} tokens (1,000 users, record MACs, audit events) while service A runs, then its append-only file rewritten`,
  );
  console.log(
    `  load            autocannon in its own process, ${settings.secondsPerRoute} s per route after ${settings.warmupSeconds} s warm-up, ` +
      `${settings.connections} connections (minting ${settings.mintConnections}); ${settings.settleSeconds} s of unmeasured PAT load before the first route, a third of that on the Graph API route and on each anchor route; ` +
      `${settings.rounds} round${settings.rounds === 1 ? '' : 's'} of the routes compared with the anchor (later rounds warm up for 2 s), each route's median run shown`,
  );
  console.log(`  Figures are from a shared ${info.cores}-core machine where other work (tests) may run: they vary run to run; compare ratios.\n`);
}

/** The processes the CPU columns show, in order. */
const CPU_COLUMNS = [SERVICE_PROCESS, FALKORDB_PROCESS, LOAD_GENERATOR];

/** Whether every run has CPU times for every process of the CPU columns (not where /proc is missing). */
function hasCpu(measured: RouteMeasurement[]): boolean {
  return measured.every(({ result }) => result.cpu && CPU_COLUMNS.every((name) => result.cpu!.byProcess[name] !== undefined));
}

/**
 * CPU time per request of the service, FalkorDB and the load generator (µs, "a / b / c"), and how
 * many cores the three kept busy together (their CPU time over the run's wall time).
 */
function cpuCells(result: LoadResult): [string, string] {
  const cpu = result.cpu!;
  const perRequest = CPU_COLUMNS.map((name) => String(Math.round((cpu.byProcess[name] * 1000) / Math.max(1, result.totalRequests))));
  const busy = CPU_COLUMNS.reduce((sum, name) => sum + cpu.byProcess[name], 0) / cpu.wallMs;
  return [perRequest.join(' / '), busy.toFixed(2)];
}

const CPU_HEADERS = ['CPU µs/req (service / FalkorDB / load gen)', 'cores busy'];

/** req/s of /health/live: the mean of its runs in this bench (first and last). */
export function baselineOf(measured: RouteMeasurement[]): number {
  const runs = measured.filter((entry) => entry.baseline);
  return runs.reduce((sum, entry) => sum + entry.result.requestsPerSecond, 0) / runs.length;
}

export function printRouteTable(measured: RouteMeasurement[]): void {
  const baseline = baselineOf(measured);
  const rows = measured.map(({ route, connections, result }) => [
    route,
    String(connections),
    count(result.requestsPerSecond),
    `${(result.requestsPerSecond / baseline).toFixed(2)}x`,
    formatMs(result.p50Ms),
    formatMs(result.p99Ms),
    errorsOf(result) ? `${errorsOf(result)} (${statusSummary(result.statusCodes)}, ${result.transportErrors} errors, ${result.timeouts} timeouts)` : '0',
  ]);
  const withCpu = hasCpu(measured);
  if (withCpu) measured.forEach(({ result }, index) => rows[index].push(...cpuCells(result)));
  console.log(`\nThroughput (ratio = req/s / ${count(baseline)}, the mean req/s of the two GET /health/live runs)`);
  const header = ['route', 'conns', 'req/s', 'ratio', 'p50', 'p99', 'errors', ...(withCpu ? CPU_HEADERS : [])];
  console.log(table(header, rows, [false, true, true, true, true, true, false, true, true]));
  for (const { route, what } of measured) console.log(`  ${route}: ${what}`);
  if (withCpu) console.log('  CPU: each process\'s user + system time during the measured run, all its threads (from /proc); cores busy = the three together / wall time.');
}

function statusSummary(codes: Record<string, number>): string {
  const failing = Object.entries(codes).filter(([code]) => !code.startsWith('2'));
  return failing.length ? failing.map(([code, n]) => `${n} x ${code}`).join(', ') : 'no non-2xx';
}

function falkordbAloneLine(run: FalkorDbAloneRun, baseline: number): string {
  const cpu = run.cpuMicrosPerQuery === undefined ? '' : `, FalkorDB CPU ${Math.round(run.cpuMicrosPerQuery)} µs/query`;
  const how = run.connections === 1 ? 'one connection (as one token\'s queries reach it)' : `${run.connections} connections`;
  return `${how}: ${count(run.queriesPerSecond)} queries/s (${(run.queriesPerSecond / baseline).toFixed(2)} x /health/live)${cpu}`;
}

export function printFalkorDbAlone(runs: FalkorDbAloneRun[], measured: RouteMeasurement[]): void {
  const baseline = baselineOf(measured);
  console.log('\nFalkorDB alone: the Graph API route\'s query sent by the bench straight to FalkorDB, 50 in flight, no service');
  for (const run of runs) console.log(`  ${falkordbAloneLine(run, baseline)}`);
}

export function printMintLatency(comparison: MintLatencyComparison): void {
  const { fresh, loaded } = comparison;
  const row = (series: MintLatencyComparison['fresh']) => [
    series.username,
    `${count(series.heldBefore)} -> ${count(series.heldBefore + series.count)}`,
    String(series.count),
    formatMs(series.p50),
    formatMs(series.p99),
    formatMs(series.max),
  ];
  console.log('\nMint latency vs tokens held by one user (POST /api/auth/tokens/credentials, one at a time, the two users alternating)');
  console.log(table(['user', 'tokens held', 'mints', 'p50', 'p99', 'max'], [row(fresh), row(loaded)], [false, false, true, true, true, true]));
  console.log(`  p50 ratio held/fresh: ${(loaded.p50 / fresh.p50).toFixed(2)}x, p99 ratio: ${(loaded.p99 / fresh.p99).toFixed(2)}x (1.0 = flat)`);
}

export function printRevocationLatency(revocation: RevocationLatency): void {
  console.log('\nRevocation seen by a second instance (DELETE on A answered 200 -> first 401 on B, B polled back to back, by a client process of its own)');
  console.log(
    `  trials ${revocation.count} (after ${revocation.warmupTrials} unmeasured)  p50 ${formatMs(revocation.p50)}  p99 ${formatMs(revocation.p99)}  max ${formatMs(revocation.max)}  ` +
      `requests B still accepted after A's 200: ${revocation.staleAcceptances} (most polls in one trial: ${revocation.maxPolls})`,
  );
}

export function printLogSizes(logs: { name: string; bytes: number; lines: number }[]): void {
  console.log('\nService request logs (stdout, JSON lines, written to a temp file during the run)');
  for (const log of logs) console.log(`  service ${log.name}: ${megabytes(log.bytes)}, ${count(log.lines)} lines`);
}

export function printSetup(facts: { seededTokens: number; storedTokens: number; elapsedMs: number; startupMs: number; aofRewriteMs: number }): void {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`Service A ready in ${seconds(facts.startupMs)} on an empty store (its indexes in place)`);
  console.log(`Grew the store to ${count(facts.seededTokens)} tokens in place in ${seconds(facts.elapsedMs)}; it holds ${count(facts.storedTokens)}`);
  console.log(`FalkorDB's append-only file rewritten (and any rewrite the growth started, finished) in ${seconds(facts.aofRewriteMs)}`);
}

/** Minting at 10 connections on the empty store and on the grown one (issue 24: >= 0.8 x, >= 800/s, p99 <= 50 ms). */
export function mintGrowthLines(empty: LoadResult, full: LoadResult, tokens: number, connections: number): string[] {
  const ratio = full.requestsPerSecond / empty.requestsPerSecond;
  const met = ratio >= 0.8 && full.requestsPerSecond >= 800 && full.p99Ms <= 50;
  return [
    `Minting at ${connections} connections: ${count(empty.requestsPerSecond)}/s (p99 ${formatMs(empty.p99Ms)}) on the empty store, ` +
      `${count(full.requestsPerSecond)}/s (p99 ${formatMs(full.p99Ms)}) with ${count(tokens)} tokens grown in place: ${ratio.toFixed(2)} x ` +
      `(target >= 0.8 x, >= 800/s, p99 <= 50 ms: ${met ? 'met' : 'not met'}).`,
  ];
}

/** The README's Performance section, ready to paste (it quotes this run's machine and store size). */
export function printReadmeBlock(
  info: MachineInfo,
  settings: BenchSettings,
  measured: RouteMeasurement[],
  falkordbAlone: FalkorDbAloneRun[],
  mint: MintLatencyComparison,
  revocation: RevocationLatency,
  anchor: string[],
): void {
  const baseline = baselineOf(measured);
  const withCpu = hasCpu(measured);
  const cpuHeader = withCpu ? ` ${CPU_HEADERS.join(' | ')} |` : '';
  const cpuRow = (result: LoadResult) => (withCpu ? ` ${cpuCells(result).join(' | ')} |` : '');
  const lines = [
    `On a ${info.cores}-core machine (${info.cpuModel}, Node ${info.nodeVersion}, ${info.date.slice(0, 10)}), ` +
      `${count(settings.seededTokens)} tokens in the store, \`node dist/main.js\` in production mode with its request log on, ` +
      `autocannon in another process on the same cores, ${settings.connections} connections (minting ${settings.mintConnections}), ${settings.secondsPerRoute} s per route, ` +
      `each route's median run of ${settings.rounds} round${settings.rounds === 1 ? '' : 's'} (mint and the last \`/health/live\` once; ratios to the mean of the two \`/health/live\` rows):`,
    '',
    `| route | req/s | ratio to /health/live | p50 | p99 |${cpuHeader}`,
    `|---|---|---|---|---|${withCpu ? '---|---|' : ''}`,
    ...measured.map(
      ({ route, result }) =>
        `| \`${route}\` | ${count(result.requestsPerSecond)} | ${(result.requestsPerSecond / baseline).toFixed(2)} | ${formatMs(result.p50Ms)} | ${formatMs(result.p99Ms)} |${cpuRow(result)}`,
    ),
    ...measured
      .filter(({ result }) => errorsOf(result) > 0)
      .map(
        ({ route, result }) =>
          `\n\`${route}\`: ${count(errorsOf(result))} of ${count(result.totalRequests)} responses were not 2xx ` +
          `(${statusSummary(result.statusCodes)}, ${result.transportErrors} errors, ${result.timeouts} timeouts); its req/s counts them.`,
      ),
    '',
    `The Graph API route's query sent straight to FalkorDB by the bench (no service, 50 in flight): ${falkordbAlone.map((run) => falkordbAloneLine(run, baseline)).join('; ')}.`,
    `Minting one token at a time (two users alternating): p50 ${formatMs(mint.fresh.p50)} / p99 ${formatMs(mint.fresh.p99)} for a user holding ${count(mint.fresh.heldBefore)} tokens, ` +
      `p50 ${formatMs(mint.loaded.p50)} / p99 ${formatMs(mint.loaded.p99)} once it holds ${count(mint.loaded.heldBefore)}.`,
    `A token revoked on one instance is refused by a second instance ${formatMs(revocation.p50)} (p50), ${formatMs(revocation.p99)} (p99), ` +
      `${formatMs(revocation.max)} (max) after the revocation returned (${revocation.count} trials, after ${revocation.warmupTrials} unmeasured ones).`,
    ...anchor,
  ];
  console.log('\nFor README.md (Performance):\n');
  console.log('```markdown');
  console.log(lines.join('\n'));
  console.log('```');
}
