import type { MockInstance } from 'vitest';
import { AuthHarness } from '../../../test/support/auth-harness';
import { until } from '../../../test/support/until';
import { StoreChangeFeed } from '../../falkordb/store-change-feed';
import { CredentialReader } from '../credential-reader';
import { TokenRepository } from './token.repository';

const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;
const KEY = '5c'.repeat(32);
const GRAPH = 'unit_recent_auth_reads';

/**
 * Authentication remembers a record only while FalkorDB's own change tracking proves the store
 * unchanged: these tests change the store behind the service's back (another client's Cypher, a
 * killed tracking connection) and check that nothing stale is ever served.
 */
describe('Remembered authentication reads (real FalkorDB)', () => {
  let harness: AuthHarness;
  let store: CredentialReader;
  let feed: StoreChangeFeed;
  let reads: MockInstance;

  const presented = (id: string, token: string) => ({ kind: 'pat' as const, id, token, subject: harness.userId });
  const storeReads = (): number => reads.mock.calls.length;
  const feedIsLive = (): boolean => feed.generation !== undefined;

  beforeAll(async () => {
    harness = await AuthHarness.start(GRAPH, USER, KEY);
    store = harness.get(CredentialReader);
    feed = harness.get(StoreChangeFeed);
    // Counts the store reads (and still performs them).
    reads = vi.spyOn(harness.get(TokenRepository), 'findForAuthentication');
    await until(feedIsLive, 10_000, 'store change tracking to start');
  });

  afterAll(async () => {
    reads?.mockRestore();
    await harness?.close();
  });

  it('answers a token verified before without reading the store while nothing changed', async () => {
    const { tokenId, token } = await harness.storePat();
    // The first use is written to the store (last_used), which is a change like any other.
    await store.verify(presented(tokenId, token), Date.now());
    const before = storeReads();
    await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toMatchObject({ id: tokenId });
    await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toMatchObject({ id: tokenId });
    await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toMatchObject({ id: tokenId });
    expect(storeReads() - before).toBe(1);
  });

  it('still checks hash, subject and expiry of a remembered record on every use', async () => {
    const now = Date.now();
    const { tokenId, token } = await harness.storePat(now + 60_000, now);
    const { token: otherToken } = await harness.storePat();
    await expect(store.verify(presented(tokenId, token), now)).resolves.toMatchObject({ id: tokenId });
    await expect(store.verify(presented(tokenId, otherToken), now)).resolves.toBeUndefined();
    await expect(store.verify({ ...presented(tokenId, token), subject: 'user-000000000000' }, now)).resolves.toBeUndefined();
    await expect(store.verify(presented(tokenId, token), now + 60_000)).resolves.toBeUndefined();
  });

  it('never serves a record that someone else revoked or rewrote directly in FalkorDB', async () => {
    const revoked = await harness.storePat();
    const rewritten = await harness.storePat();
    for (const { tokenId, token } of [revoked, rewritten]) await store.verify(presented(tokenId, token), Date.now());

    // Another client (another instance, or an operator with valkey-cli) changes the graph: the very next use is refused.
    await harness.server.command(['GRAPH.QUERY', GRAPH, `MATCH (t:Token {token_id: '${revoked.tokenId}'}) SET t.revoked = true, t.revoked_at = 1`]);
    await expect(store.verify(presented(revoked.tokenId, revoked.token), Date.now())).resolves.toBeUndefined();

    await harness.server.command(['GRAPH.QUERY', GRAPH, `MATCH (t:Token {token_id: '${rewritten.tokenId}'}) SET t.expires_at = 1`]);
    await expect(store.verify(presented(rewritten.tokenId, rewritten.token), Date.now())).resolves.toBeUndefined();
  });

  it('reads the store again after any write to it, even one about another credential', async () => {
    const { tokenId, token } = await harness.storePat();
    await store.verify(presented(tokenId, token), Date.now());
    await store.verify(presented(tokenId, token), Date.now());
    await harness.storePat();
    const before = storeReads();
    await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toMatchObject({ id: tokenId });
    expect(storeReads() - before).toBe(1);
  });

  it('reads the store on every request while its tracking connection is gone, and remembers again once it is back', async () => {
    const { tokenId, token } = await harness.storePat();
    await store.verify(presented(tokenId, token), Date.now());

    const clients = String(await harness.server.command(['CLIENT', 'LIST']));
    const tracking = clients.split('\n').filter((line) => /\bflags=\S*t/.test(line));
    expect(tracking).toHaveLength(1);
    const id = /\bid=(\d+)/.exec(tracking[0])![1];
    await harness.server.command(['CLIENT', 'KILL', 'ID', id]);
    // Revoked while nobody is listening: must not be missed.
    await harness.server.command(['GRAPH.QUERY', GRAPH, `MATCH (t:Token {token_id: '${tokenId}'}) SET t.revoked = true, t.revoked_at = 1`]);

    const before = storeReads();
    await expect(store.verify(presented(tokenId, token), Date.now())).resolves.toBeUndefined();
    expect(storeReads() - before).toBe(1);

    await until(feedIsLive, 10_000, 'store change tracking to come back');
    const next = await harness.storePat();
    await store.verify(presented(next.tokenId, next.token), Date.now());
    const afterReconnect = storeReads();
    await store.verify(presented(next.tokenId, next.token), Date.now());
    await store.verify(presented(next.tokenId, next.token), Date.now());
    expect(storeReads() - afterReconnect).toBe(1);
  });
});
