/**
 * The load generator's own process (started by load-generator.ts): autocannon's programmatic API,
 * one route, a warm-up then the measured run. It runs apart from the bench driver and from the
 * service so that the three do not share one event loop; they still share the machine's cores,
 * as a client on the same host would.
 *
 * Input: a LoadSpec as JSON on stdin. Output: one LoadResult as JSON on stdout.
 */
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { CpuUse, LOAD_GENERATOR, LoadResult, LoadSpec } from './load-generator';
import { cpuMillisOf, machineTicks, stealPercentBetween } from './process-cpu';
import { readChildInput } from './bench-child';

function run(spec: LoadSpec, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: seconds,
    timeout: 10,
  });
}

async function main(): Promise<void> {
  const spec = await readChildInput<LoadSpec>();
  if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds);
  const watched = Object.entries(spec.watch ?? {});
  const cpuBefore = watched.map(([, pid]) => cpuMillisOf(pid));
  const ownBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  const startedAt = performance.now();
  const result = await run(spec, spec.seconds);
  const wallMs = performance.now() - startedAt;
  const stealPercent = stealPercentBetween(machineBefore, machineTicks());
  const own = process.cpuUsage(ownBefore);
  const byProcess: Record<string, number> = { [LOAD_GENERATOR]: (own.user + own.system) / 1000 };
  let cpu: CpuUse | undefined = { wallMs, byProcess };
  for (const [index, [name, pid]] of watched.entries()) {
    const after = cpuMillisOf(pid);
    const before = cpuBefore[index];
    if (before === undefined || after === undefined) cpu = undefined;
    else byProcess[name] = after - before;
  }
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  const output: LoadResult = {
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    transportErrors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    ...(stealPercent === undefined ? {} : { stealPercent }),
    cpu,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
