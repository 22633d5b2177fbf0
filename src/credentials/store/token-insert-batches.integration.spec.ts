import { AuthHarness } from '../../../test/support/auth-harness';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { newTokenId } from '../../tokens/token-id';
import { NewTokenRecord } from './token.record';
import { TokenRepository } from './token.repository';

const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;
const GRAPH = 'unit_token_insert_batches';

describe('Tokens minted at once are stored together, within each user cap (real FalkorDB)', () => {
  let harness: AuthHarness;
  let repository: TokenRepository;
  let store: FalkorDbConnection;

  beforeAll(async () => {
    harness = await AuthHarness.start(GRAPH, USER, '3d'.repeat(32));
    repository = harness.get(TokenRepository);
    store = harness.get(FalkorDbConnection);
  });

  afterAll(async () => {
    await harness?.close();
  });

  const tokenOf = (userId: string, name: string, graphs: string[] | null = null): NewTokenRecord => {
    const now = Date.now();
    return {
      id: newTokenId(now),
      userId,
      username: userId,
      role: 'Read-Write',
      host: 'localhost',
      port: 6379,
      tls: false,
      name,
      createdAt: now,
      expiresAt: null,
      access: 'read-write',
      graphs,
      allowedIps: ['10.0.0.0/8'],
      tokenHash: 'ab'.repeat(32),
      passwordCiphertext: 'sealed',
      mac: 'mac',
    };
  };

  const countOf = async (cypher: string, params: Record<string, string>): Promise<number> =>
    Number((await store.readQuery(GRAPH, cypher, params))[0].n);

  it('writes a burst in few writes, storing exactly what each cap allows and an audit event per token', async () => {
    const writes = vi.spyOn(store, 'query');
    const capped = Array.from({ length: 20 }, (_, index) => tokenOf('user-batch-capped', `capped ${index}`));
    const free = Array.from({ length: 10 }, (_, index) => tokenOf('user-batch-free', `free ${index}`, ['app*']));
    const results = await Promise.all([...capped.map((token) => repository.createWithinCap(token, 3)), ...free.map((token) => repository.createWithinCap(token, 100))]);
    // Only the inserts: the background jobs (lifecycle scan, purge) may write meanwhile.
    const written = writes.mock.calls.filter(([, cypher]) => cypher.includes('UNWIND $mints')).length;
    writes.mockRestore();

    // The first token goes alone; the 29 that came meanwhile share the next write.
    expect(written).toBe(2);
    expect(results.slice(0, 20).filter(Boolean)).toHaveLength(3);
    expect(results.slice(0, 3)).toEqual([true, true, true]);
    expect(results.slice(20)).toEqual(Array(10).fill(true));
    const counter = async (userId: string) => Number((await store.readQuery(GRAPH, 'MATCH (u:User {user_id: $userId}) RETURN u.active_tokens AS n', { userId }))[0].n);
    expect(await counter('user-batch-capped')).toBe(3);
    expect(await counter('user-batch-free')).toBe(10);
    expect(await countOf('MATCH (:Token)-[:BELONGS_TO]->(u:User {user_id: $userId}) RETURN count(*) AS n', { userId: 'user-batch-capped' })).toBe(3);
    expect(await countOf("MATCH (e:AuditEvent {type: 'token.created'}) WHERE e.subject_username = $username RETURN count(e) AS n", { username: 'user-batch-free' })).toBe(10);
    // Every field arrives as it would one token at a time (lists included).
    const [row] = await store.readQuery(GRAPH, 'MATCH (t:Token {token_id: $id}) RETURN t.graphs AS graphs, t.allowed_ips AS ips, t.name AS name, t.revoked AS revoked', { id: free[4].id });
    expect(row).toEqual({ graphs: ['app*'], ips: ['10.0.0.0/8'], name: 'free 4', revoked: false });
  });

  it('keeps a user that asks with two different caps at once to one cap per write', async () => {
    const userId = 'user-batch-two-caps';
    const low = Array.from({ length: 6 }, (_, index) => tokenOf(userId, `low ${index}`));
    const high = Array.from({ length: 6 }, (_, index) => tokenOf(userId, `high ${index}`));
    const results = await Promise.all([...low, ...high].map((token, index) => repository.createWithinCap(token, index < 6 ? 2 : 5)));
    expect(results.slice(0, 6).filter(Boolean).length).toBeLessThanOrEqual(2);
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await countOf('MATCH (u:User {user_id: $userId}) RETURN u.active_tokens AS n', { userId })).toBe(5);
  });

  it('mints for a user whose counter FalkorDB holds as a float (sum() in older revocations wrote one)', async () => {
    const userId = 'user-batch-float-counter';
    await expect(repository.createWithinCap(tokenOf(userId, 'first'), 3)).resolves.toBe(true);
    await store.query(GRAPH, 'MATCH (u:User {user_id: $userId}) SET u.active_tokens = 2.0', { userId });
    await expect(repository.createWithinCap(tokenOf(userId, 'second'), 3)).resolves.toBe(true);
    await expect(repository.createWithinCap(tokenOf(userId, 'third'), 3)).resolves.toBe(false);
  });

  it('takes the largest cap there is (Number.MAX_SAFE_INTEGER: no cap) as room for the whole batch', async () => {
    const userId = 'user-batch-no-cap';
    const results = await Promise.all([1, 2, 3].map((index) => repository.createWithinCap(tokenOf(userId, `t${index}`), Number.MAX_SAFE_INTEGER)));
    expect(results).toEqual([true, true, true]);
  });
});
