import { createClient } from '@redis/client';
import { performance } from 'node:perf_hooks';
import { queryArgs } from '../src/graph-api/graph-commands';
import { cpuMillisOf } from './process-cpu';

export interface FalkorDbAloneRun {
  connections: number;
  queriesPerSecond: number;
  /** FalkorDB's CPU time per query (µs), all its threads; undefined where /proc is not available. */
  cpuMicrosPerQuery?: number;
}

type CommandClient = { sendCommand(args: string[]): Promise<unknown> };

/** Queries kept in flight in all, as autocannon keeps 50 requests in flight on the Graph API route. */
const IN_FLIGHT = 50;

/**
 * The Graph API route's read query sent by the bench straight to FalkorDB, no service in between,
 * `IN_FLIGHT` at a time for `seconds`, on `connections` connections (one: the way one token's queries
 * reach FalkorDB, pipelined on its one connection). What FalkorDB alone serves on this machine, and
 * the CPU it spends per query, beside which the route's own figures can be read.
 */
export async function measureFalkorDbAlone(
  url: string,
  graph: string,
  cypher: string,
  connections: number,
  seconds: number,
  falkordbPid: number | undefined,
): Promise<FalkorDbAloneRun> {
  const clients = await Promise.all(Array.from({ length: connections }, () => createClient({ url }).connect()));
  const args = queryArgs('GRAPH.RO_QUERY', graph, cypher, 1000);
  try {
    // Warm-up: FalkorDB caches the query's plan, V8 compiles the client.
    await drive(clients, args, 1000);
    const cpuBefore = falkordbPid === undefined ? undefined : cpuMillisOf(falkordbPid);
    const startedAt = performance.now();
    const done = await drive(clients, args, seconds * 1000);
    const wallMs = performance.now() - startedAt;
    const cpuAfter = falkordbPid === undefined ? undefined : cpuMillisOf(falkordbPid);
    const cpuMicrosPerQuery = cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / done;
    return { connections, queriesPerSecond: (done * 1000) / wallMs, cpuMicrosPerQuery };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** Keeps IN_FLIGHT queries going, spread over the clients, for `ms`; answers how many completed. */
async function drive(clients: CommandClient[], args: string[], ms: number): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  const lane = async (client: CommandClient): Promise<void> => {
    while (performance.now() < until) {
      await client.sendCommand(args);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, index) => lane(clients[index % clients.length])));
  return done;
}
