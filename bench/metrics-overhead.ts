import { median } from './anchor-comparison';
import type { BenchSettings } from './bench-settings';
import type { Cleanup } from './cleanup';
import { formatMs } from './latency-stats';
import { generateLoad, LoadResult, LoadSpec } from './load-generator';
import { SERVICE_PROCESS } from './route-throughput';
import type { MintedToken } from './service-client';
import { Registry } from 'prom-client';
import { PatMetrics } from '../src/metrics/pat-metrics';

/** Prometheus scrapes every 15 s by default; every 5 s is a busy setup. */
const SCRAPE_EVERY_MS = 5000;
/** Issue 26's bound: metrics may cost at most this share of PAT throughput. */
const MOST_COST = 0.03;

/** An instance of the service under comparison: where it answers and its pid (for its CPU time). */
export interface ComparedInstance {
  baseUrl: string;
  pid: number | undefined;
}

export interface MetricsOverhead {
  /** Per round: the PAT route with metrics on (scraped) and off. */
  rounds: Array<{ on: LoadResult; off: LoadResult }>;
  scrapes: number;
  /** CPU µs the metric calls of one PAT request take (PatMetrics in this process, same machine, same run). */
  callMicrosPerRequest: number;
}

/** Requests the metric calls are timed over: enough for a stable CPU time. */
const TIMED_REQUESTS = 500_000;

/**
 * What counting costs one PAT request, in CPU: the calls the service makes for it (the
 * authentication, the HTTP request), timed with the process's CPU clock, which steal and other
 * processes do not inflate the way they move throughput.
 */
export function timeMetricCalls(): number {
  const metrics = new PatMetrics(new Registry());
  const routes = ['/api/auth/tokens/:tokenId', '/api/auth/tokens/self', '/health/live'];
  for (let index = 0; index < 50_000; index++) metrics.authentication('pat', 'ok', 0.0003); // warm-up (JIT)
  const started = process.cpuUsage();
  for (let index = 0; index < TIMED_REQUESTS; index++) {
    metrics.authentication('pat', 'ok', 0.0003 + (index % 7) * 0.0001);
    metrics.httpRequest('GET', routes[index % routes.length], 200, 0.002 + (index % 5) * 0.001);
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / TIMED_REQUESTS;
}

/** While `work` runs, `url` is fetched every 5 s, as a Prometheus server would. */
async function scrapedDuring<T>(url: string, work: () => Promise<T>): Promise<{ result: T; scrapes: number }> {
  let scrapes = 0;
  const timer = setInterval(() => {
    void fetch(url).then(
      async (response) => {
        await response.text();
        if (response.ok) scrapes += 1;
      },
      () => undefined,
    );
  }, SCRAPE_EVERY_MS);
  try {
    return { result: await work(), scrapes };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The PAT route on an instance counting metrics (and scraped) and on one that does not (METRICS_PORT=0),
 * both on the same store with the same token, in alternating order over the rounds, so drift in the
 * machine's speed falls on both alike.
 */
export async function measureMetricsOverhead(
  on: ComparedInstance & { metricsUrl: string },
  off: ComparedInstance,
  token: MintedToken,
  settings: BenchSettings,
  cleanup: Cleanup,
): Promise<MetricsOverhead> {
  const specOf = (instance: ComparedInstance): LoadSpec => ({
    url: `${instance.baseUrl}/api/auth/tokens/${token.tokenId}`,
    method: 'GET' as const,
    headers: { authorization: `Bearer ${token.token}` },
    connections: settings.connections,
    seconds: settings.secondsPerRoute,
    warmupSeconds: settings.warmupSeconds,
    watch: instance.pid === undefined ? {} : ({ [SERVICE_PROCESS]: instance.pid }),
  });
  const rounds: MetricsOverhead['rounds'] = [];
  let scrapes = 0;
  const runOn = async () => {
    const scraped = await scrapedDuring(on.metricsUrl, () => generateLoad(specOf(on), cleanup));
    scrapes += scraped.scrapes;
    return scraped.result;
  };
  const runOff = () => generateLoad(specOf(off), cleanup);
  for (let round = 0; round < settings.rounds; round++) {
    if (round % 2 === 0) {
      const onRun = await runOn();
      rounds.push({ on: onRun, off: await runOff() });
    } else {
      const offRun = await runOff();
      rounds.push({ on: await runOn(), off: offRun });
    }
  }
  return { rounds, scrapes, callMicrosPerRequest: timeMetricCalls() };
}

const serviceMicrosPerRequest = (run: LoadResult): number | undefined => {
  const ms = run.cpu?.byProcess[SERVICE_PROCESS];
  return ms === undefined ? undefined : (ms * 1000) / Math.max(1, run.totalRequests);
};

/** The comparison in a few lines: each round, the median ratio, the service's CPU per request, the target. */
export function metricsOverheadLines(overhead: MetricsOverhead): string[] {
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  const ratios = overhead.rounds.map(({ on, off }) => on.requestsPerSecond / off.requestsPerSecond);
  const cpuRatios = overhead.rounds.flatMap(({ on, off }) => {
    const [a, b] = [serviceMicrosPerRequest(on), serviceMicrosPerRequest(off)];
    return a === undefined || b === undefined ? [] : [a / b];
  });
  const ratio = median(ratios);
  const cpu = cpuRatios.length ? median(cpuRatios) : undefined;
  const runs = overhead.rounds
    .map(({ on, off }) => `${count(on.requestsPerSecond)} vs ${count(off.requestsPerSecond)} (p99 ${formatMs(on.p99Ms)} vs ${formatMs(off.p99Ms)})`)
    .join(', ');
  const serviceMicros = median(overhead.rounds.flatMap(({ off }) => serviceMicrosPerRequest(off) ?? []));
  const share = overhead.callMicrosPerRequest / serviceMicros;
  const cpuText = cpu === undefined ? '' : `; service CPU per request ${cpu >= 1 ? '+' : ''}${((cpu - 1) * 100).toFixed(1)} % with metrics (median of ${cpuRatios.map((value) => value.toFixed(3)).join(', ')})`;
  return [
    `Metrics cost: GET /api/auth/tokens/{id} with metrics counted and scraped every ${SCRAPE_EVERY_MS / 1000} s (${overhead.scrapes} scrapes) vs an instance with METRICS_PORT=0, ` +
      `alternating, ${overhead.rounds.length} rounds: ${runs} req/s.`,
    `  throughput with metrics / without: ${ratio.toFixed(3)}, the median of ${ratios.map((value) => value.toFixed(3)).join(', ')}${cpuText}; ` +
      'on this shared machine runs differ by far more than 3 %, so the verdict is from CPU:',
    `  the metric calls of one PAT request take ${overhead.callMicrosPerRequest.toFixed(2)} µs of CPU (timed over ${TIMED_REQUESTS.toLocaleString('en-US')} requests), ` +
      `${(share * 100).toFixed(1)} % of the ${Math.round(serviceMicros)} µs the service spends per PAT request without metrics ` +
      `(target: at most ${MOST_COST * 100} %: ${share <= MOST_COST ? 'met' : 'not met'})`,
  ];
}
