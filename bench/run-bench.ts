/**
 * `npm run bench`: the service as users run it (`node dist/main.js`, production mode, request log
 * on) on an external FalkorDB already holding BENCH_TOKENS tokens, measured over HTTP from other
 * processes. Prints every figure the README quotes, and a block to paste into it. Figures are
 * printed, never asserted: this machine is shared, so people compare them, tests do not.
 *
 * Phases: build if needed -> FalkorDB + seed -> service A -> throughput per route -> mint latency
 * vs tokens held -> service B + revocation latency across instances -> metrics cost (A on, B off) -> report. Everything started
 * is stopped and removed at the end, on failure, on Ctrl-C and at the deadline (cleanup.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_USERS } from '../test/support/falkordb-test-server';
import { BenchSettings, readBenchSettings } from './bench-settings';
import { buildIfNeeded } from './build-if-needed';
import { Cleanup, runWithCleanup } from './cleanup';
import { machineInfo } from './machine-info';
import { compareMintLatency } from './mint-latency';
import {
  mintGrowthLines,
  printFalkorDbAlone,
  printHeader,
  printLogSizes,
  printMintLatency,
  printReadmeBlock,
  printRevocationLatency,
  printRouteTable,
  printSetup,
} from './report';
import { measureRevocationLatencyInChild } from './revocation-latency';
import { BENCH_GRAPH, createBenchGraph, FALKORDB_PROCESS, GRAPH_READ, measureRoutes, MINT_ROUTE, mintSpec, SERVICE_PROCESS } from './route-throughput';
import { generateLoad } from './load-generator';
import { FalkorDbAloneRun, measureFalkorDbAlone } from './falkordb-alone';
import { ServiceClient } from './service-client';
import { randomServiceSecrets, ServiceProcess } from './service-process';
import { TokenStore } from './token-store';
import { AnchorProcess } from './anchor-process';
import { anchorLines } from './anchor-comparison';
import { measureMetricsOverhead, metricsOverheadLines } from './metrics-overhead';
import { freePort } from '../test/support/free-port';

const REPO_ROOT = join(__dirname, '..');
/**
 * The mint-latency users: ACL users of their own (no other phase's tokens count against them). The
 * loaded one is named as seedTokens names the one user it seeds (`<prefix>0`).
 */
const MINT_LATENCY_USERNAMES = { fresh: 'bench-mint-fresh', loaded: 'bench-mint-loaded-0' };

/** Services started so far: if a phase fails, what they logged explains it (their log folder is about to be removed). */
const startedServices: ServiceProcess[] = [];

async function runBench(settings: BenchSettings, cleanup: Cleanup): Promise<void> {
  try {
    await runPhases(settings, cleanup);
  } catch (error) {
    for (const service of startedServices) console.error(`\nLast output of service ${service.name}:\n${await service.outputTail()}`);
    throw error;
  }
}

async function runPhases(settings: BenchSettings, cleanup: Cleanup): Promise<void> {
  const runStarted = Date.now();
  const build = await buildIfNeeded(REPO_ROOT);
  const info = machineInfo(REPO_ROOT);
  printHeader(info, settings, build);

  const logDir = await mkdtemp(join(tmpdir(), 'pat-bench-'));
  cleanup.add('remove the temp folder (service logs)', () => rm(logDir, { recursive: true, force: true }));

  // One deployment's secrets for both instances; the key also signs the seeded tokens.
  const secrets = randomServiceSecrets();
  const store = await TokenStore.start(cleanup, secrets.ENCRYPTION_KEY);

  // The store grows the way production grows it: the service runs, its indexes in place, while
  // the tokens are written (with their audit events, folded as the service's writes fold them).
  const serviceOptions = { repoRoot: REPO_ROOT, logDir, falkordbUrl: store.url, secrets };
  const startingA = Date.now();
  // A counts metrics, as users run the service (the default); B does not, for the comparison of their cost.
  const metricsPortA = await freePort();
  const serviceA = await ServiceProcess.start({ name: 'A', ...serviceOptions, metricsPort: metricsPortA }, cleanup);
  startedServices.push(serviceA);
  const startupMs = Date.now() - startingA;
  const watch: Record<string, number> = {};
  if (serviceA.pid !== undefined) watch[SERVICE_PROCESS] = serviceA.pid;
  if (store.server.pid !== undefined) watch[FALKORDB_PROCESS] = store.server.pid;
  const a = new ServiceClient(serviceA.baseUrl);
  console.log(`FalkorDB on ${store.url}; minting on the empty store...`);
  const mintOnEmptyStore = await generateLoad(mintSpec(serviceA.baseUrl, TEST_USERS.writer, settings, watch), cleanup);

  console.log(`Growing the store to ${settings.seededTokens.toLocaleString('en-US')} tokens...`);
  const seeding = await store.seed(settings.seededTokens);
  const aofRewrite = await store.compactAppendOnlyFile();
  printSetup({ ...seeding, seededTokens: settings.seededTokens, startupMs, aofRewriteMs: aofRewrite.elapsedMs });
  for (const message of await serviceA.messagesOf('CredentialStore')) console.log(`  service A (CredentialStore): ${message}`);

  // A token per route, so one route's state in the service (e.g. the Graph API's pooled connection) is not another's.
  const writer = await a.mint(TEST_USERS.writer, 'bench reads');
  const admin = await a.mint(TEST_USERS.admin, 'bench admin reads');
  const graphWriter = await a.mint(TEST_USERS.writer, 'bench graph reads');
  await createBenchGraph(a, graphWriter);

  // The anchor: the same machine's limit for a Nest route, in this run (issue 24's ratios).
  const anchorApp = await AnchorProcess.start(REPO_ROOT, store.url, BENCH_GRAPH, GRAPH_READ.query, cleanup);
  const anchorWatch: Record<string, number> = { ...(anchorApp.pid === undefined ? {} : { anchor: anchorApp.pid }) };
  console.log("\nThroughput, one route at a time (the anchor's routes between them):");
  const { measured, rounds } = await measureRoutes(a, { writer, admin, graphWriter, minter: TEST_USERS.writer }, settings, cleanup, watch, {
    baseUrl: anchorApp.baseUrl,
    watch: anchorWatch,
  });
  await anchorApp.stop();
  printRouteTable(measured);
  const mintOnFullStore = measured.find((entry) => entry.route === MINT_ROUTE)?.result;
  const mintGrowth = mintOnFullStore ? mintGrowthLines(mintOnEmptyStore, mintOnFullStore, settings.seededTokens, settings.mintConnections) : [];
  console.log(`\n${[...mintGrowth, ...anchorLines(rounds)].join('\n')}`);

  // The same query without the service: what FalkorDB alone serves one connection (one token) and fifty.
  const falkordbAlone: FalkorDbAloneRun[] = [];
  for (const connections of [1, settings.connections]) {
    falkordbAlone.push(await measureFalkorDbAlone(store.url, BENCH_GRAPH, GRAPH_READ.query, connections, settings.secondsPerRoute, store.server.pid));
  }
  printFalkorDbAlone(falkordbAlone, measured);


  const mintUsers = {
    fresh: { username: MINT_LATENCY_USERNAMES.fresh, password: randomBytes(16).toString('hex') },
    loaded: { username: MINT_LATENCY_USERNAMES.loaded, password: randomBytes(16).toString('hex') },
  };
  for (const user of Object.values(mintUsers)) await store.createReadWriteUser(user.username, user.password);
  const mintLatency = await compareMintLatency(a, store, mintUsers, settings.mintLatencySamples, settings.heldTokens);
  printMintLatency(mintLatency);

  // B starts only now: an idle second service would not change the throughput figures, but its startup would.
  const serviceB = await ServiceProcess.start({ name: 'B', ...serviceOptions }, cleanup);
  startedServices.push(serviceB);
  const revocation = await measureRevocationLatencyInChild(
    { aUrl: serviceA.baseUrl, bUrl: serviceB.baseUrl, user: TEST_USERS.writer, trials: settings.revocationTrials, warmupTrials: settings.revocationWarmupTrials },
    cleanup,
  );
  printRevocationLatency(revocation);

  console.log('\nMetrics cost (A counts metrics and is scraped, B has METRICS_PORT=0):');
  const overhead = await measureMetricsOverhead(
    { baseUrl: serviceA.baseUrl, pid: serviceA.pid, metricsUrl: `http://127.0.0.1:${metricsPortA}/metrics` },
    { baseUrl: serviceB.baseUrl, pid: serviceB.pid },
    writer,
    settings,
    cleanup,
  );
  const overheadLines = metricsOverheadLines(overhead);
  console.log(overheadLines.join('\n'));

  // Stopped before the logs are measured, so the figures include everything each service wrote.
  await serviceA.stop();
  await serviceB.stop();
  printLogSizes([
    { name: 'A', ...(await serviceA.logSize()) },
    { name: 'B', ...(await serviceB.logSize()) },
  ]);
  printReadmeBlock(info, settings, measured, falkordbAlone, mintLatency, revocation, [...mintGrowth, ...anchorLines(rounds), ...overheadLines]);
  console.log(`\nBench finished in ${((Date.now() - runStarted) / 60_000).toFixed(1)} min (cleanup follows).`);
}

let settings: BenchSettings;
try {
  settings = readBenchSettings();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
runWithCleanup((cleanup) => runBench(settings, cleanup), settings.deadlineMs);
