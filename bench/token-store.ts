import type { FalkorDB } from 'falkordb';
import { FalkorDbTestServer } from '../test/support/falkordb-test-server';
import { connectPlainClient, seedTokens } from '../test/support/seed-tokens';
import type { Cleanup } from './cleanup';
import { signUnsignedTokensOf } from './seeded-token-signing';

/** The service's default store graph (TOKEN_GRAPH is left unset, as users leave it). */
export const STORE_GRAPH = 'token_management';

/** Users of seeded tokens log in to this server: the loopback spelling FALKORDB_URL uses, so the service sees them as its own. */
const SERVER_HOST = '127.0.0.1';
const SEED_PROGRESS_INTERVAL_MS = 15_000;
const INDEX_WAIT_TIMEOUT_MS = 10 * 60_000;

/**
 * The FalkorDB the services use, as an external server (a separate valkey + falkordb.so process
 * reached by FALKORDB_URL, as in production), plus a plain admin client for the bench's own
 * seeding and checks. Its data folder is temporary and removed by cleanup.
 */
export class TokenStore {
  private constructor(
    readonly server: FalkorDbTestServer,
    private readonly client: FalkorDB,
    private readonly signingKey: string,
  ) {}

  /**
   * `signingKey`: the ENCRYPTION_KEY the services will get; tokens seeded by the bench are signed
   * with it as the service signs records (seeded-token-signing.ts): a record without a valid MAC
   * is refused, so an unsigned seed would measure nothing but refusals.
   */
  static async start(cleanup: Cleanup, signingKey: string): Promise<TokenStore> {
    const server = await FalkorDbTestServer.start();
    cleanup.add('stop FalkorDB and remove its data', () => server.destroy());
    const client = await connectPlainClient(server.port);
    // Registered after the server's undo, so it runs first: the client closes before the server stops.
    cleanup.add('close the bench FalkorDB client', () => client.close());
    return new TokenStore(server, client, signingKey);
  }

  get url(): string {
    return this.server.url;
  }

  /**
   * Writes `count` active tokens of 1,000 users (test/support/seed-tokens.ts, the stored schema,
   * UNWIND batches) before any service starts, printing the store's token count while it works
   * because 1M tokens take a minute or more; then signs them with the signing key.
   */
  async seed(count: number): Promise<{ elapsedMs: number; signMs: number; storedTokens: number }> {
    // No graph exists before the first write, so there is nothing to count either.
    if (count === 0) return { elapsedMs: 0, signMs: 0, storedTokens: 0 };
    const started = Date.now();
    const progress = setInterval(() => {
      void this.countTokens().then(
        (stored) => console.log(`  ... ${stored.toLocaleString('en-US')} tokens stored after ${Math.round((Date.now() - started) / 1000)} s`),
        () => undefined,
      );
    }, SEED_PROGRESS_INTERVAL_MS);
    const seeded = await seedTokens(this.client, { tokens: count, host: SERVER_HOST, port: this.server.port, graph: STORE_GRAPH }).finally(() =>
      clearInterval(progress),
    );
    const elapsedMs = Date.now() - started;
    const signing = Date.now();
    console.log(`  signing them (record MACs keyed by the services' ENCRYPTION_KEY)...`);
    await signUnsignedTokensOf(this.client, STORE_GRAPH, seeded.seededUsers.map((user) => user.userId), this.signingKey);
    return { elapsedMs, signMs: Date.now() - signing, storedTokens: await this.countTokens() };
  }

  /**
   * Gives one user `additional` more active tokens directly in the store, for the mint-latency
   * comparison (minting 20,000 over HTTP would measure nothing new and take minutes). The user
   * must already exist (minted once), so the seeded tokens land on its very User node.
   * The seeder names its one user `<prefix>0`, so `username` must end in 0.
   */
  async seedTokensOfUser(username: string, additional: number): Promise<void> {
    const rows = await this.read(`MATCH (u:User {username: $username}) RETURN u.user_id AS id, u.host AS host, u.port AS port`, { username });
    if (rows.length !== 1) throw new Error(`expected one User node for ${username} in the store, found ${rows.length}`);
    const { id, host, port } = rows[0] as { id: string; host: string; port: number };
    // The seeder names its users `<prefix><n>`; with one user that is `<prefix>0`.
    if (!username.endsWith('0')) throw new Error(`a user seeded by seedTokens must be named <prefix>0 (got ${username})`);
    const result = await seedTokens(this.client, {
      tokens: additional,
      users: 1,
      usernamePrefix: username.slice(0, -1),
      host,
      port,
      graph: STORE_GRAPH,
    });
    const seeded = result.seededUsers[0];
    if (seeded.userId !== id) throw new Error(`seeded tokens went to ${seeded.userId} (${seeded.username}), not ${id}`);
    if (this.signingKey) await signUnsignedTokensOf(this.client, STORE_GRAPH, [id], this.signingKey);
  }

  /** Active tokens of one user, as the service counts them (its per-user counter) and as stored (edges to it). */
  async heldTokens(username: string): Promise<{ counter: number; stored: number }> {
    const rows = await this.read(
      // `WITH u`: start from the user and follow its edges, not scan every Token (see seeded-token-signing.ts).
      `MATCH (u:User {username: $username}) WITH u OPTIONAL MATCH (t:Token)-[:BELONGS_TO]->(u) WHERE t.revoked = false
       RETURN u.active_tokens AS counter, count(t) AS stored`,
      { username },
    );
    const row = rows[0] as { counter: number; stored: number } | undefined;
    return { counter: Number(row?.counter ?? 0), stored: Number(row?.stored ?? 0) };
  }

  async countTokens(): Promise<number> {
    const rows = await this.read('MATCH (t:Token) RETURN count(t) AS n');
    return Number((rows[0] as { n: number } | undefined)?.n ?? 0);
  }

  /**
   * The service creates its indexes at startup; on a store of 1M tokens FalkorDB builds them in
   * the background for a while. Measuring during that build would measure the build, so the
   * bench waits until every index is operational. Returns how long that took.
   */
  async waitForIndexes(): Promise<number> {
    const started = Date.now();
    for (;;) {
      const building = (await this.read('CALL db.indexes() YIELD label, properties, status RETURN label, properties, status')).filter(
        (row) => !/OPERATIONAL/i.test(String(row.status)),
      );
      if (!building.length) return Date.now() - started;
      if (Date.now() - started > INDEX_WAIT_TIMEOUT_MS) {
        throw new Error(`indexes still building after ${INDEX_WAIT_TIMEOUT_MS / 1000} s: ${JSON.stringify(building)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** An ACL user with the test writer's rights (read-write, no admin commands). */
  async createReadWriteUser(username: string, password: string): Promise<void> {
    await this.server.command(['ACL', 'SETUSER', username, 'on', `>${password}`, '~*', '&*', '+@all', '-@admin', '-@dangerous']);
  }

  private async read(query: string, params?: Record<string, string | number>): Promise<Record<string, unknown>[]> {
    const reply = await this.client.selectGraph(STORE_GRAPH).roQuery<Record<string, unknown>>(query, params ? { params } : undefined);
    return reply.data ?? [];
  }
}
