import type { FalkorDB } from 'falkordb';
import { FalkorDbTestServer } from '../test/support/falkordb-test-server';
import { connectPlainClient, seedTokens } from '../test/support/seed-tokens';
import type { Cleanup } from './cleanup';

/** The service's default store graph (TOKEN_GRAPH is left unset, as users leave it). */
export const STORE_GRAPH = 'token_management';

/** Users of seeded tokens log in to this server: the loopback spelling FALKORDB_URL uses, so the service sees them as its own. */
const SERVER_HOST = '127.0.0.1';
/** How often the bench looks whether FalkorDB's append-only file rewrite has finished. */
const AOF_REWRITE_POLL_MS = 200;
const SEED_PROGRESS_INTERVAL_MS = 15_000;

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
   * with it as the service signs records (the record MAC): a record without a valid MAC
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
   * Grows the store to `count` active tokens of 1,000 users while the service runs with its
   * indexes, as production grows it (test/support/seed-tokens.ts: the stored schema, each token
   * linked to its user, signed with the record MAC, with the audit event a mint writes, and the
   * fold of pending changes the service's writes make), printing the token count while it works.
   */
  async seed(count: number): Promise<{ elapsedMs: number; storedTokens: number }> {
    if (count === 0) return { elapsedMs: 0, storedTokens: await this.countTokens() };
    const started = Date.now();
    const progress = setInterval(() => {
      void this.countTokens().then(
        (stored) => console.log(`  ... ${stored.toLocaleString('en-US')} tokens stored after ${Math.round((Date.now() - started) / 1000)} s`),
        () => undefined,
      );
    }, SEED_PROGRESS_INTERVAL_MS);
    await seedTokens(this.client, {
      tokens: count,
      host: SERVER_HOST,
      port: this.server.port,
      graph: STORE_GRAPH,
      encryptionKey: this.signingKey,
      auditEvents: true,
      foldPendingChanges: true,
    }).finally(() => clearInterval(progress));
    return { elapsedMs: Date.now() - started, storedTokens: await this.countTokens() };
  }

  /**
   * Rewrites FalkorDB's append-only file and waits until no rewrite is running or scheduled. A store
   * that just grew by a million writes starts one by itself (auto-aof-rewrite, a forked child
   * serializing the whole graph on these same two cores) at a moment nobody chooses: without this,
   * it lands in whichever route is measured then. A store that grew over months has long had its
   * rewrite; the figures are for that store.
   */
  async compactAppendOnlyFile(): Promise<{ elapsedMs: number }> {
    const started = Date.now();
    const persistence = async (): Promise<string> => String(await this.server.command(['INFO', 'persistence']));
    const busy = (info: string): boolean => /aof_rewrite_in_progress:1|aof_rewrite_scheduled:1/.test(info);
    // One already running (auto-aof-rewrite) is waited for; then one more, so the file is as compact as the store.
    for (const start of [false, true]) {
      if (start) await this.server.command(['BGREWRITEAOF']);
      while (busy(await persistence())) await new Promise((resolve) => setTimeout(resolve, AOF_REWRITE_POLL_MS));
    }
    return { elapsedMs: Date.now() - started };
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
      encryptionKey: this.signingKey,
      auditEvents: true,
      foldPendingChanges: true,
    });
    const seeded = result.seededUsers[0];
    if (seeded.userId !== id) throw new Error(`seeded tokens went to ${seeded.userId} (${seeded.username}), not ${id}`);
  }

  /** Active tokens of one user, as the service counts them (its per-user counter) and as stored (edges to it). */
  async heldTokens(username: string): Promise<{ counter: number; stored: number }> {
    const rows = await this.read(
      // `WITH u`: start from the user and follow its edges, not scan every Token (a scan of every Token costs the whole store).
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

  /** An ACL user with the test writer's rights (read-write, no admin commands). */
  async createReadWriteUser(username: string, password: string): Promise<void> {
    await this.server.command(['ACL', 'SETUSER', username, 'on', `>${password}`, '~*', '&*', '+@all', '-@admin', '-@dangerous']);
  }

  private async read(query: string, params?: Record<string, string | number>): Promise<Record<string, unknown>[]> {
    const reply = await this.client.selectGraph(STORE_GRAPH).roQuery<Record<string, unknown>>(query, params ? { params } : undefined);
    return reply.data ?? [];
  }
}
