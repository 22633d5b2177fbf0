/**
 * The revocation trials' own process (started by measureRevocationLatencyInChild): a client of
 * the two service instances and nothing else. Input: a RevocationTrialsSpec as JSON on stdin.
 * Output: one RevocationLatency as JSON on stdout.
 */
import { readChildInput } from './bench-child';
import { measureRevocationLatency, RevocationTrialsSpec } from './revocation-latency';
import { ServiceClient } from './service-client';

async function main(): Promise<void> {
  const spec = await readChildInput<RevocationTrialsSpec>();
  const latency = await measureRevocationLatency(new ServiceClient(spec.aUrl), new ServiceClient(spec.bUrl), spec.user, spec.trials, spec.warmupTrials);
  process.stdout.write(`${JSON.stringify(latency)}\n`);
  // Keep-alive connections to the services would otherwise hold the process open.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
