import { performance } from 'node:perf_hooks';
import { LatencyStats, latencyStats } from './latency-stats';
import type { Credentials, ServiceClient } from './service-client';
import type { TokenStore } from './token-store';

export interface MintLatencyComparison {
  /** Mints of a user that held no token before the first one. */
  fresh: LatencyStats & { username: string; heldBefore: number };
  /** Mints of a user that already held `heldTokens`. */
  loaded: LatencyStats & { username: string; heldBefore: number };
}

/** One mint, timed from request to response; one at a time, so nothing is queued behind it. */
async function timedMint(client: ServiceClient, user: Credentials): Promise<number> {
  const started = performance.now();
  await client.mint(user, 'bench mint latency');
  return performance.now() - started;
}

/**
 * Does minting slow down as a user holds more tokens? (It must not: the per-user cap is checked
 * on a counter, not by counting tokens.) Two ACL users with the same rights and no other tokens:
 * `fresh` starts from 0 tokens, `loaded` from `heldTokens` (one minted, the rest written straight
 * into the store for it: see TokenStore.seedTokensOfUser). Their mints alternate, one at a time,
 * so both series see the same machine: on this shared machine the load of other work changes
 * within a minute, and two series run one after the other differed by 2x on quiet-vs-busy alone.
 */
export async function compareMintLatency(
  client: ServiceClient,
  store: TokenStore,
  users: { fresh: Credentials; loaded: Credentials },
  samples: number,
  heldTokens: number,
): Promise<MintLatencyComparison> {
  await client.mint(users.loaded, 'bench held token');
  const { counter } = await store.heldTokens(users.loaded.username);
  if (heldTokens > counter) await store.seedTokensOfUser(users.loaded.username, heldTokens - counter);
  const held = await store.heldTokens(users.loaded.username);
  if (held.counter !== held.stored) throw new Error(`${users.loaded.username}: counter says ${held.counter} active tokens, the store holds ${held.stored}`);
  const freshHeld = (await store.heldTokens(users.fresh.username)).counter;

  const freshSamples: number[] = [];
  const loadedSamples: number[] = [];
  for (let index = 0; index < samples; index++) {
    freshSamples.push(await timedMint(client, users.fresh));
    loadedSamples.push(await timedMint(client, users.loaded));
  }
  return {
    fresh: { ...latencyStats(freshSamples), username: users.fresh.username, heldBefore: freshHeld },
    loaded: { ...latencyStats(loadedSamples), username: users.loaded.username, heldBefore: held.counter },
  };
}
