import request from 'supertest';
import { bearer, mintToken, SAME_ORIGIN } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const TOKEN_GRAPH = 'token_management';

/** Holes found by the red-team pass of issue 11, each proven closed on real FalkorDB. */
describe('hardening II (e2e, real FalkorDB)', () => {
  let store: FalkorDbTestServer;
  let other: FalkorDbTestServer;

  beforeAll(async () => {
    [store, other] = await Promise.all([FalkorDbTestServer.start(), FalkorDbTestServer.start()]);
  });

  afterAll(async () => {
    await Promise.all([store?.destroy(), other?.destroy()]);
  });

  describe('the store server under two names (server identity, not spelling)', () => {
    let app: TestApp;
    // 0.0.0.0 reaches the same local server as 127.0.0.1, under a name that is not a loopback spelling.
    const alias = () => ({ host: '0.0.0.0', port: String(store.port) });

    beforeAll(async () => {
      app = await startTestApp({
        FALKORDB_URL: store.url,
        FALKORDB_ALLOWED_SERVERS: `127.0.0.1:${store.port},0.0.0.0:${store.port},127.0.0.1:${other.port}`,
      });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('protects the token graph reached through the other name', async () => {
      const reader = await mintToken(app, TEST_USERS.reader, store.port, alias());
      const writer = await mintToken(app, TEST_USERS.writer, store.port, alias());
      const read = await request(app.http)
        .post(`/api/graph/${TOKEN_GRAPH}/query`)
        .set(...bearer(reader.token))
        .send({ query: 'MATCH (t:Token) RETURN t.token_hash, t.password_enc', readOnly: true });
      expect(read.status).toBe(403);
      const write = await request(app.http)
        .post(`/api/graph/${TOKEN_GRAPH}/query`)
        .set(...bearer(writer.token))
        .send({ query: 'MATCH (t:Token) SET t.revoked = false' });
      expect(write.status).toBe(403);
    });

    it('records a login under the server, so the admin who used the other name sees and revokes the token', async () => {
      const viaAlias = await mintToken(app, TEST_USERS.writer, store.port, { ...alias(), name: 'via alias' });
      const admin = await mintToken(app, TEST_USERS.admin, store.port, { host: '127.0.0.1', port: String(store.port) });
      const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(admin.token)).expect(200);
      const mine = listed.body.tokens.find((token: { token_id: string }) => token.token_id === viaAlias.tokenId);
      expect(mine).toMatchObject({ host: '127.0.0.1', port: store.port });
      await request(app.http).delete(`/api/auth/tokens/${viaAlias.tokenId}`).set(...bearer(admin.token)).expect(200);
      await request(app.http).get('/api/auth/tokens').set(...bearer(viaAlias.token)).expect(401);
    });

    it('does not protect a graph of the same name on another server', async () => {
      const onOther = await mintToken(app, TEST_USERS.writer, other.port, { host: '127.0.0.1', port: String(other.port) });
      await request(app.http)
        .post(`/api/graph/${TOKEN_GRAPH}/query`)
        .set(...bearer(onOther.token))
        .send({ query: 'CREATE (n:Unrelated) RETURN count(n) AS n' })
        .expect(200);
    });
  });

  describe('a store writer without the key (record MACs)', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await startTestApp({ FALKORDB_URL: store.url, TOKEN_GRAPH: 'mac_store' });
    });

    afterAll(async () => {
      await app?.close();
    });

    /** What a Read-Write FalkorDB user with the README's ACL shape can do to the store directly. */
    const rewrite = (tokenId: string, assignment: string) =>
      store.command(['GRAPH.QUERY', 'mac_store', `MATCH (t:Token {token_id: '${tokenId}'}) SET ${assignment}`]);

    it('marks every response carrying a token or a session Cache-Control: no-store', async () => {
      const minted = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ username: TEST_USERS.writer.username, password: TEST_USERS.writer.password, name: 'no-store' })
        .expect(201);
      expect(minted.headers['cache-control']).toBe('no-store');
      const login = await request(app.http)
        .post('/api/auth/login')
        .send({ username: TEST_USERS.writer.username, password: TEST_USERS.writer.password })
        .expect(200);
      expect(login.headers['cache-control']).toBe('no-store');
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      const fromSession = await request(app.http).post('/api/auth/tokens').set({ ...SAME_ORIGIN, Cookie: cookie }).send({ name: 'x' }).expect(201);
      expect(fromSession.headers['cache-control']).toBe('no-store');
      const logout = await request(app.http).post('/api/auth/logout').set({ ...SAME_ORIGIN, Cookie: cookie }).expect(204);
      expect(logout.headers['cache-control']).toBe('no-store');
    });

    it('says in readiness when non-admin FalkorDB users can write the token graph', async () => {
      // The test server's pat_writer has ~* and GRAPH.QUERY: it can.
      const ready = await request(app.http).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', falkordb: 'up', tokenStore: 'exposed' });
    });

    it('cannot revive a revoked token by writing revoked = false', async () => {
      const token = await mintToken(app, TEST_USERS.writer, store.port);
      await request(app.http).delete(`/api/auth/tokens/${token.tokenId}`).set(...bearer(token.token)).expect(200);
      await rewrite(token.tokenId, 't.revoked = false, t.revoked_at = null');
      await request(app.http).get('/api/auth/tokens').set(...bearer(token.token)).expect(401);
    });

    it('cannot hand a token to another user by rewriting its owner', async () => {
      const token = await mintToken(app, TEST_USERS.writer, store.port);
      await request(app.http).get(`/api/auth/tokens/${token.tokenId}`).set(...bearer(token.token)).expect(200);
      await rewrite(token.tokenId, `t.username = '${TEST_USERS.admin.username}', t.role = 'Admin'`);
      await request(app.http).get('/api/auth/tokens').set(...bearer(token.token)).expect(401);
    });
  });

  describe('resource isolation for the Graph API (no token can stall the others)', () => {
    let app: TestApp;
    /** A read that runs for seconds in FalkorDB (36M rows), tagged so GRAPH.INFO can find it. */
    const heavy = (tag: string) => `WITH '${tag}' AS tag UNWIND range(1, 6000) AS a UNWIND range(1, 6000) AS b RETURN tag, count(*)`;
    const runningWith = async (tag: string) => {
      const info = await store.command(['GRAPH.INFO', 'RunningQueries']);
      return JSON.stringify(info).split(tag).length - 1;
    };
    const query = (token: string, body: Record<string, unknown>) =>
      request(app.http).post('/api/graph/isolation/query').set(...bearer(token)).send(body);
    /** Polls until `promise` settles, recording the most queries tagged `tag` FalkorDB ran at once. */
    async function mostRunningWhile(promise: Promise<unknown>, tag: string): Promise<number> {
      let most = 0;
      let done = false;
      void promise.finally(() => (done = true));
      while (!done) {
        most = Math.max(most, await runningWith(tag));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return most;
    }

    beforeAll(async () => {
      app = await startTestApp({ FALKORDB_URL: store.url, GRAPH_MAX_BUSY_CONNECTIONS: '1' });
      await app.app.listen(0, '127.0.0.1');
    });

    afterAll(async () => {
      await app?.close();
    });

    it('keeps a timed-out query on its connection: the same token never runs a second one beside it (hole 2)', async () => {
      const { token } = await mintToken(app, TEST_USERS.writer, store.port);
      const tag = `isolation-${Date.now()}`;
      // A write (FalkorDB never stops a write at its time limit) that runs for seconds and creates nothing.
      const slowWrite = `WITH '${tag}' AS tag UNWIND range(1, 6000) AS a UNWIND range(1, 6000) AS b WITH tag, a, b WHERE a * b = -1 CREATE (:Never {tag: tag})`;
      const first = await query(token, { query: slowWrite, timeoutMs: 100 });
      expect(first.status).toBe(504);
      expect(first.body.detail).toMatch(/may still complete and commit/);
      expect(await runningWith(tag)).toBe(1);
      // The old code opened a new connection here and ran the second write beside the first; the
      // first still holds the token's connection past its limit, so the second is refused at once.
      const second = query(token, { query: slowWrite, timeoutMs: 100 }).then((response) => response);
      const most = await mostRunningWhile(second, tag);
      expect((await second).status).toBe(429);
      expect((await second).body).toMatchObject({ code: 'TOO_MANY_QUERIES' });
      expect(most).toBe(1);
      await until(async () => (await runningWith(tag)) === 0, 60_000, 'the write to finish');
      await until(async () => (await query(token, { query: 'RETURN 1 AS one' })).status === 200, 10_000, 'the token to run queries again');
    });

    it('refuses Graph API work beyond the busy-connection limit with 429, and other users still authenticate', async () => {
      const writer = await mintToken(app, TEST_USERS.writer, store.port);
      const admin = await mintToken(app, TEST_USERS.admin, store.port);
      const reader = await mintToken(app, TEST_USERS.reader, store.port);
      const tag = `busy-${Date.now()}`;
      // supertest sends on then(): start it now.
      const running = query(writer.token, { query: heavy(tag), timeoutMs: 30_000 }).then((response) => response);
      await until(async () => (await runningWith(tag)) === 1, 10_000, 'the heavy query to start');

      const refused = await query(admin.token, { query: heavy(tag), timeoutMs: 30_000 });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'TOO_MANY_QUERIES' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

      const started = Date.now();
      await request(app.http).get('/api/auth/tokens').set(...bearer(reader.token)).expect(200);
      await request(app.http).get(`/api/auth/tokens/${admin.tokenId}`).set(...bearer(admin.token)).expect(200);
      console.log(`authentication while a heavy query runs: ${Date.now() - started} ms for two authenticated requests`);
      expect((await running).status).toBe(200);
    });
  });

  describe('Host allow-list (DNS rebinding)', () => {
    it('answers only loopback names by default in development, and the configured names otherwise', async () => {
      const development = await startTestApp({ FALKORDB_URL: store.url, ALLOWED_HOSTS: undefined });
      try {
        await request(development.http).get('/health/live').set('Host', 'localhost:3000').expect(200);
        await request(development.http).get('/health/live').set('Host', '[::1]:3000').expect(200);
        const rebound = await request(development.http).get('/api/auth/tokens').set('Host', 'attacker.example:3000').expect(421);
        expect(rebound.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(rebound.body).toMatchObject({ status: 421, code: 'HOST_NOT_ALLOWED' });
      } finally {
        await development.close();
      }
      const configured = await startTestApp({ FALKORDB_URL: store.url, ALLOWED_HOSTS: 'pat.example.com' });
      try {
        await request(configured.http).get('/health/live').set('Host', 'pat.example.com').expect(200);
        await request(configured.http).get('/health/live').set('Host', 'localhost').expect(421);
      } finally {
        await configured.close();
      }
    });
  });

  describe('the token store on its own FalkorDB (TOKEN_STORE_URL)', () => {
    it('keeps tokens on the store server, so user queries saturating the users\' server never delay authentication', async () => {
      const app = await startTestApp({ FALKORDB_URL: other.url, TOKEN_STORE_URL: store.url, TOKEN_GRAPH: 'separate_store', GRAPH_MAX_BUSY_CONNECTIONS: '8' });
      try {
        await app.app.listen(0, '127.0.0.1');
        const writer = await mintToken(app, TEST_USERS.writer, other.port);
        const admin = await mintToken(app, TEST_USERS.admin, other.port);
        const reader = await mintToken(app, TEST_USERS.reader, other.port);
        const stored = await store.command(['GRAPH.RO_QUERY', 'separate_store', `MATCH (t:Token {token_id: '${writer.tokenId}'}) RETURN t.username`]);
        expect(JSON.stringify(stored)).toContain(TEST_USERS.writer.username);
        expect(JSON.stringify(await other.command(['GRAPH.LIST']))).not.toContain('separate_store');

        // Both of the users' server's FalkorDB threads busy with heavy reads.
        const heavy = `UNWIND range(1, 6000) AS a UNWIND range(1, 6000) AS b RETURN count(*)`;
        const running = [writer, admin].map((token) =>
          request(app.http).post('/api/graph/busy/query').set(...bearer(token.token)).send({ query: heavy, timeoutMs: 30_000 }).then((response) => response),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        const started = Date.now();
        for (let round = 0; round < 5; round++) await request(app.http).get('/api/auth/tokens').set(...bearer(reader.token)).expect(200);
        console.log(`TOKEN_STORE_URL: five authenticated requests while two heavy queries run on the users' server: ${Date.now() - started} ms`);
        for (const response of await Promise.all(running)) expect(response.status).toBe(200);
        // On the users' server a graph named like the store's is just a graph.
        await request(app.http).post('/api/graph/separate_store/query').set(...bearer(writer.token)).send({ query: 'RETURN 1' }).expect(200);
      } finally {
        await app.close();
      }
    });
  });
});
