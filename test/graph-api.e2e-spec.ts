import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { AuthModule } from '../src/auth/auth.module';
import { TokenRepository } from '../src/credentials/store/token.repository';
import { GraphApiModule } from '../src/graph-api/graph-api.module';
import { FalkorDbModule } from '../src/falkordb/falkordb.module';
import { DEFAULT_USER_CONNECTION_POOL_LIMITS, UserConnectionPool } from '../src/falkordb/user-connections/user-connection-pool';
import { TokensModule } from '../src/tokens/tokens.module';
import { bearer, CreatedToken, Credentials, logIn, mintToken, SAME_ORIGIN } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { fakeDateOnly } from './support/clock';
import { startTestApp, TEST_SECRETS, TestApp } from './support/test-app';
import { until } from './support/until';

/** A Read-Write user whose ACL forbids exactly one graph command. */
const NO_DELETE_USER = { username: 'pat_nodelete', password: 'nodelete-secret-pw' };
const TOKEN_GRAPH = 'token_management';
/** ~100M rows of work that FalkorDB can interrupt: its TIMEOUT stops it within milliseconds. */
const SLOW_READ = 'UNWIND range(1, 10000) AS a UNWIND range(1, 10000) AS b RETURN count(*)';

type Body = Record<string, unknown>;

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Graph API (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let pool: UserConnectionPool;
  let admin: CreatedToken;
  let writer: CreatedToken;
  let reader: CreatedToken;
  let noDelete: CreatedToken;

  const mint = (user: Credentials, extra: Body = {}) => mintToken(app, user, server.port, extra);
  const runQuery = (token: string, graph: string, body: Body) =>
    request(app.http).post(`/api/graph/${graph}/query`).set(...bearer(token)).send(body);
  const ok = async (token: string, graph: string, body: Body) => {
    const response = await runQuery(token, graph, body);
    expect({ status: response.status, body: response.body as Body }).toMatchObject({ status: 200 });
    return response.body as { columns: string[]; rows: unknown[][]; stats: Record<string, number>; truncated: boolean };
  };
  /** Every refusal is a problem response with the expected status and code (so never a 500). */
  const expectProblem = (response: request.Response, status: number, code: string) => {
    expect({ status: response.status, body: response.body as Body }).toMatchObject({ status, body: { status, code } });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.message).toBe(response.body.detail);
  };
  /** Connections FalkorDB holds open for one ACL user. */
  const connectionsOf = async (username: string): Promise<number> => {
    const list = String(await server.command(['CLIENT', 'LIST']));
    return list.split('\n').filter((line) => line.includes(` user=${username} `)).length;
  };

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    await server.command([
      'ACL', 'SETUSER', NO_DELETE_USER.username, 'on', `>${NO_DELETE_USER.password}`, '~*', '&*',
      '+@all', '-@admin', '-@dangerous', '-graph.delete',
    ]);
    app = await startTestApp({ FALKORDB_URL: server.url });
    pool = app.app.get(UserConnectionPool);
    [admin, writer, reader, noDelete] = await Promise.all([
      mint(TEST_USERS.admin),
      mint(TEST_USERS.writer),
      mint(TEST_USERS.reader),
      mint(NO_DELETE_USER),
    ]);
    await ok(writer.token, 'social', {
      query: `CREATE (a:Person {name: 'Alice', age: 33})-[:KNOWS {since: 2020}]->(b:Person:Developer {name: 'Bob'}),
                     (b)-[:KNOWS {since: 2021}]->(:Person {name: 'Carol'})`,
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  describe('what each role may do, as its own FalkorDB user', () => {
    it('a Read-Write token writes with parameters and gets FalkorDB statistics', async () => {
      const result = await ok(writer.token, 'scratch_rw', {
        query: 'CREATE (n:Item {name: $name, qty: $qty}) RETURN n.name AS name, n.qty AS qty',
        params: { name: 'widget', qty: 3 },
      });
      expect(result.columns).toEqual(['name', 'qty']);
      expect(result.rows).toEqual([['widget', 3]]);
      expect(result.truncated).toBe(false);
      expect(result.stats).toMatchObject({ labelsAdded: 1, nodesCreated: 1, propertiesSet: 2 });
      expect(typeof result.stats.queryInternalExecutionTimeMs).toBe('number');
    });

    it('a Read-Only token reads (GRAPH.RO_QUERY) and a write is 403 with a clear message', async () => {
      const read = await ok(reader.token, 'social', { query: 'MATCH (p:Person) RETURN p.name AS name ORDER BY name' });
      expect(read.rows).toEqual([['Alice'], ['Bob'], ['Carol']]);

      const write = await runQuery(reader.token, 'social', { query: "CREATE (:Person {name: 'Mallory'})" });
      expectProblem(write, 403, 'FORBIDDEN');
      expect(write.body.detail).toMatch(/Read-Only/);
      // Even asking for a write explicitly changes nothing.
      expectProblem(await runQuery(reader.token, 'social', { query: 'MATCH (n) DETACH DELETE n', readOnly: false }), 403, 'FORBIDDEN');
      expect((await ok(admin.token, 'social', { query: 'MATCH (n) RETURN count(n) AS n' })).rows).toEqual([[3]]);
    });

    it('a Read-Only user\'s token may explain, list and read the schema, but not delete (its access is read)', async () => {
      await request(app.http).get('/api/graph/social/explain').query({ query: 'MATCH (p:Person) RETURN p' }).set(...bearer(reader.token)).expect(200);
      await request(app.http).get('/api/graph/social/schema').set(...bearer(reader.token)).expect(200);
      const list = await request(app.http).get('/api/graph').set(...bearer(reader.token)).expect(200);
      expect(list.body.graphs).toEqual(expect.arrayContaining(['social']));

      const refused = await request(app.http).delete('/api/graph/social').set(...bearer(reader.token));
      expectProblem(refused, 403, 'FORBIDDEN');
      expect(refused.body.detail).toMatch(/read access only: it may not delete graphs/);
    });

    it('readOnly: true makes a writer read-only: a write is 400, reads still work', async () => {
      expect((await ok(writer.token, 'social', { query: 'MATCH (p:Person) RETURN count(p)', readOnly: true })).rows).toEqual([[3]]);
      const refused = await runQuery(writer.token, 'social', { query: "CREATE (:Person {name: 'Eve'})", readOnly: true });
      expectProblem(refused, 400, 'QUERY_REJECTED');
      expect(refused.body.detail).toMatch(/readOnly: true/);
    });

    it('a user whose ACL forbids GRAPH.DELETE queries normally but gets 403 from that one command', async () => {
      await ok(noDelete.token, 'scratch_nodelete', { query: 'CREATE (:Thing)' });
      const refused = await request(app.http).delete('/api/graph/scratch_nodelete').set(...bearer(noDelete.token));
      expectProblem(refused, 403, 'FORBIDDEN');
      expect(refused.body.detail).toMatch(/NOPERM .*graph\.delete/i);
      expect((await ok(noDelete.token, 'scratch_nodelete', { query: 'MATCH (t:Thing) RETURN count(t)' })).rows).toEqual([[1]]);
    });

    it('an admin token runs and deletes; the graph is then gone (404)', async () => {
      await ok(admin.token, 'scratch_admin', { query: 'CREATE (:Temp)' });
      const deleted = await request(app.http).delete('/api/graph/scratch_admin').set(...bearer(admin.token)).expect(200);
      expect(deleted.body).toEqual({ message: 'Graph deleted successfully', graph: 'scratch_admin' });
      expectProblem(await request(app.http).get('/api/graph/scratch_admin/schema').set(...bearer(admin.token)), 404, 'GRAPH_NOT_FOUND');
    });

    it('a browser session runs queries as its user too (state-changing requests need a same-origin Origin)', async () => {
      const cookie = await logIn(app, TEST_USERS.writer, server.port);
      const response = await request(app.http)
        .post('/api/graph/social/query')
        .set('Cookie', cookie)
        .set(SAME_ORIGIN)
        .send({ query: 'MATCH (p:Person {name: $name}) RETURN p.age', params: { name: 'Alice' } })
        .expect(200);
      expect(response.body.rows).toEqual([[33]]);
    });
  });

  describe('results as plain JSON', () => {
    it('serialises nodes, relationships and paths', async () => {
      const result = await ok(reader.token, 'social', {
        query: "MATCH p = (a:Person {name: 'Alice'})-[r:KNOWS]->(b) RETURN a, r, b, p",
      });
      expect(result.columns).toEqual(['a', 'r', 'b', 'p']);
      const [a, r, b, p] = result.rows[0] as Array<Record<string, unknown>>;
      expect(a).toEqual({ id: expect.any(Number), labels: ['Person'], properties: { name: 'Alice', age: 33 } });
      expect(b).toEqual({ id: expect.any(Number), labels: ['Person', 'Developer'], properties: { name: 'Bob' } });
      expect(r).toEqual({ id: expect.any(Number), type: 'KNOWS', sourceId: a.id, destinationId: b.id, properties: { since: 2020 } });
      expect(p).toEqual({ nodes: [a, b], relationships: [r] });
    });

    it('serialises scalars, lists, maps, points and temporal values', async () => {
      const result = await ok(reader.token, 'social', {
        query: `RETURN 1.5 AS d, [1, 'x', null] AS list, {k: [true]} AS map, point({latitude: 1.5, longitude: 2.25}) AS pt,
                date('2024-01-02') AS day, localdatetime('2024-01-02T03:04:05') AS at, localtime('03:04:05') AS t,
                duration('P1Y2M3DT4H5M6S') AS span, 9223372036854775807 AS big`,
      });
      expect(result.rows[0]).toEqual([
        1.5, [1, 'x', null], { k: [true] }, { latitude: 1.5, longitude: 2.25 },
        '2024-01-02', '2024-01-02T03:04:05', '03:04:05', 'P1Y2M3DT4H5M6S', '9223372036854775807',
      ]);
    });

    it('round-trips every parameter type, and a parameter can never become Cypher', async () => {
      const hostile = `quote " apostrophe ' backslash \\ \\" newline\n tab\t ünïcode 😀 " }) MATCH (n) DETACH DELETE n //`;
      const params = {
        text: hostile,
        empty: '',
        int: 42,
        negative: -7,
        float: 3.25,
        huge: 1e21,
        yes: true,
        no: false,
        nothing: null,
        list: [1, 'two', [3.5, null], { k: 'v' }],
        map: { name: 'x', nested: { deep: [true, { deeper: 'y' }] } },
        emptyList: [],
        emptyMap: {},
      };
      const names = Object.keys(params);
      const result = await ok(writer.token, 'social', { query: `RETURN ${names.map((name) => `$${name} AS ${name}`).join(', ')}`, params });
      expect(result.columns).toEqual(names);
      expect(result.rows).toEqual([Object.values(params)]);
      expect((await ok(reader.token, 'social', { query: 'MATCH (n) RETURN count(n)' })).rows).toEqual([[3]]);
    });

    it('bounds large results at maxRows (default 10000) and says so', async () => {
      const result = await ok(reader.token, 'social', { query: 'UNWIND range(1, 10001) AS x RETURN x' });
      expect(result.rows).toHaveLength(10000);
      expect(result.rows[9999]).toEqual([10000]);
      expect(result.truncated).toBe(true);
    });

    it('explains a query and lists the schema', async () => {
      const plan = await request(app.http)
        .get('/api/graph/social/explain')
        .query({ query: 'MATCH (p:Person) WHERE p.age > $min RETURN p' })
        .set(...bearer(writer.token))
        .expect(200);
      expect(plan.body.plan[0]).toBe('Results');
      expect(plan.body.plan.join('\n')).toMatch(/Node By Label Scan \| \(p:Person\)/);

      const schema = await request(app.http).get('/api/graph/social/schema').set(...bearer(writer.token)).expect(200);
      expect(schema.body).toEqual({
        labels: ['Person', 'Developer'],
        relationshipTypes: ['KNOWS'],
        propertyKeys: expect.arrayContaining(['name', 'age', 'since']),
      });
    });
  });

  describe('FalkorDB errors become problem responses, never 500', () => {
    it('syntax error -> 400 with FalkorDB message; missing parameter -> 400', async () => {
      const syntax = await runQuery(writer.token, 'social', { query: 'MATCH (n RETURN n' });
      expectProblem(syntax, 400, 'QUERY_REJECTED');
      expect(syntax.body.detail).toMatch(/Invalid input/);
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN $missing' }), 400, 'QUERY_REJECTED');
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN 1 / 0' }), 400, 'QUERY_REJECTED');
    });

    it('explains schema commands (FalkorDB answers their plan as one plain string) and refuses what it refuses with 400', async () => {
      const explain = (query: string) => request(app.http).get('/api/graph/social/explain').query({ query }).set(...bearer(writer.token));
      expect((await explain('CREATE INDEX FOR (p:Person) ON (p.nickname)').expect(200)).body.plan).toEqual(['Create Index']);
      expect((await explain('DROP INDEX ON :Person(nickname)').expect(200)).body.plan).toEqual(['Drop Index']);
      expectProblem(await explain('CREATE CONSTRAINT ON (p:Person) ASSERT p.name IS UNIQUE'), 400, 'QUERY_REJECTED');
    });

    it('refuses the NUL character in a query, a parameter and a token name with 400', async () => {
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN $x', params: { x: 'a\u0000b' } }), 400, 'VALIDATION_FAILED');
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN 1\u0000' }), 400, 'VALIDATION_FAILED');
      const mint = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ username: TEST_USERS.writer.username, password: TEST_USERS.writer.password, name: 'nul\u0000name' });
      expectProblem(mint, 400, 'VALIDATION_FAILED');
    });

    it('unknown graph on read -> 404 (query, explain, schema, delete), and nothing is created', async () => {
      expectProblem(await runQuery(reader.token, 'no_such_graph', { query: 'MATCH (n) RETURN n' }), 404, 'GRAPH_NOT_FOUND');
      expectProblem(await runQuery(writer.token, 'no_such_graph', { query: 'MATCH (n) RETURN n', readOnly: true }), 404, 'GRAPH_NOT_FOUND');
      expectProblem(
        await request(app.http).get('/api/graph/no_such_graph/explain').query({ query: 'MATCH (n) RETURN n' }).set(...bearer(writer.token)),
        404,
        'GRAPH_NOT_FOUND',
      );
      expectProblem(await request(app.http).get('/api/graph/no_such_graph/schema').set(...bearer(writer.token)), 404, 'GRAPH_NOT_FOUND');
      expectProblem(await request(app.http).delete('/api/graph/no_such_graph').set(...bearer(writer.token)), 404, 'GRAPH_NOT_FOUND');
      expect(await server.command(['EXISTS', 'no_such_graph'])).toBe(0);
    });

    it('timeout -> 504, and the connection stays usable', async () => {
      const started = Date.now();
      const timedOut = await runQuery(reader.token, 'social', { query: SLOW_READ, timeoutMs: 50 });
      expectProblem(timedOut, 504, 'QUERY_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(2000);
      await ok(reader.token, 'social', { query: 'RETURN 1' });
    });

    it('a timeoutMs above the maximum is refused with 400 naming the field', async () => {
      const response = await runQuery(reader.token, 'social', { query: 'RETURN 1', timeoutMs: 10 ** 9 });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toHaveProperty('timeoutMs');
    });
  });

  describe('hostile input is refused with 400 before it reaches FalkorDB', () => {
    it.each([
      ['a space', 'a%20b'],
      ['a quote', "a'b"],
      ['a double quote', 'a%22b'],
      ['a semicolon', 'a;FLUSHALL'],
      ['an encoded slash', '..%2Fsecret'],
      ['a leading dash', '-x'],
      ['a non-ASCII letter', 'gr%C3%A4ph'],
      ['a NUL', 'a%00b'],
    ])('graph name with %s', async (_what, graph) => {
      const response = await runQuery(writer.token, graph, { query: 'RETURN 1' });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.errors).toHaveProperty('graph');
    });

    it('an overlong graph name is refused too (by the router, before validation)', async () => {
      const response = await runQuery(writer.token, 'g'.repeat(101), { query: 'RETURN 1' });
      expect(response.status).toBe(414);
    });

    it.each([
      ['a space in a name', { 'a b': 1 }, 'params.a b'],
      ['an injected prefix in a name', { 'x=1 RETURN 1 //': 1 }, 'params.x=1 RETURN 1 //'],
      ['a leading digit', { '1x': 1 }, 'params.1x'],
      ['a hostile nested map key', { m: { 'k}) MATCH (n) DETACH DELETE n //': 1 } }, 'params.m.k}) MATCH (n) DETACH DELETE n //'],
      ['a NUL inside a string', { s: 'a\u0000b' }, 'params.s'],
      ['a lone surrogate inside a string', { s: 'a\udc00b' }, 'params.s'],
      ['a nested key Nest would drop silently', { m: { prototype: 1, kept: 2 } }, 'params.m.prototype'],
    ])('parameter with %s', async (_what, params, field) => {
      const response = await runQuery(writer.token, 'social', { query: 'RETURN 1', params });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(Object.keys(response.body.errors as Body)).toEqual([field]);
    });

    it('parameters nested too deep, a non-object params, a NUL in the query, unknown fields', async () => {
      let deep: unknown = 1;
      for (let level = 0; level < 40; level += 1) deep = [deep];
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN $d', params: { d: deep } }), 400, 'VALIDATION_FAILED');
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN 1', params: [1] }), 400, 'VALIDATION_FAILED');
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN 1\u0000 MATCH (n) DELETE n' }), 400, 'VALIDATION_FAILED');
      expectProblem(await runQuery(writer.token, 'social', { query: 'RETURN 1', graph: 'other' }), 400, 'VALIDATION_FAILED');
      expect((await ok(reader.token, 'social', { query: 'MATCH (n) RETURN count(n)' })).rows).toEqual([[3]]);
    });
  });

  describe('the token store graph', () => {
    it('is hidden from non-admins and listed for admins', async () => {
      for (const token of [writer, reader, noDelete]) {
        const list = await request(app.http).get('/api/graph').set(...bearer(token.token)).expect(200);
        expect(list.body.graphs).not.toContain(TOKEN_GRAPH);
        expect(list.body.graphs).toContain('social');
      }
      const forAdmin = await request(app.http).get('/api/graph').set(...bearer(admin.token)).expect(200);
      expect(forAdmin.body.graphs).toContain(TOKEN_GRAPH);
    });

    it('cannot be inspected by non-admins, nor queried, written or deleted by anyone', async () => {
      expectProblem(await runQuery(writer.token, TOKEN_GRAPH, { query: 'MATCH (t:Token) RETURN t' }), 403, 'FORBIDDEN');
      expectProblem(await request(app.http).get(`/api/graph/${TOKEN_GRAPH}/schema`).set(...bearer(reader.token)), 403, 'FORBIDDEN');
      expectProblem(
        await request(app.http).get(`/api/graph/${TOKEN_GRAPH}/explain`).query({ query: 'MATCH (t) RETURN t' }).set(...bearer(writer.token)),
        403,
        'FORBIDDEN',
      );
      expectProblem(await request(app.http).delete(`/api/graph/${TOKEN_GRAPH}`).set(...bearer(writer.token)), 403, 'FORBIDDEN');

      // Admins see its shape (names and plans), never its values: token hashes and sealed passwords stay in.
      const schema = await request(app.http).get(`/api/graph/${TOKEN_GRAPH}/schema`).set(...bearer(admin.token)).expect(200);
      expect(schema.body.labels).toEqual(expect.arrayContaining(['Token', 'User']));
      await request(app.http).get(`/api/graph/${TOKEN_GRAPH}/explain`).query({ query: 'MATCH (t:Token) RETURN t' }).set(...bearer(admin.token)).expect(200);
      for (const query of ['MATCH (t:Token) RETURN t', 'MATCH (t:Token) RETURN t.token_hash, t.password_enc', 'MATCH (t:Token) SET t.revoked = false']) {
        for (const readOnly of [false, true]) {
          const refused = await runQuery(admin.token, TOKEN_GRAPH, { query, readOnly });
          expectProblem(refused, 403, 'FORBIDDEN');
          expect(refused.body.detail).toMatch(/cannot be queried through this API/);
          expect(refused.text).not.toMatch(/v1\.|[0-9a-f]{64}/);
        }
      }
      expectProblem(await request(app.http).delete(`/api/graph/${TOKEN_GRAPH}`).set(...bearer(admin.token)), 403, 'FORBIDDEN');
      expect(await server.command(['EXISTS', TOKEN_GRAPH])).toBe(1);
    });
  });

  describe('the per-credential connection pool', () => {
    afterEach(() => {
      vi.useRealTimers();
      pool.configure(DEFAULT_USER_CONNECTION_POOL_LIMITS);
    });

    it('keeps one connection per token, never shared between two tokens of the same user', async () => {
      const first = await mint(TEST_USERS.writer);
      const second = await mint(TEST_USERS.writer);
      const before = await connectionsOf(TEST_USERS.writer.username);
      await ok(first.token, 'social', { query: 'RETURN 1' });
      await ok(second.token, 'social', { query: 'RETURN 1' });
      await ok(first.token, 'social', { query: 'RETURN 2' });
      expect(pool.has(first.tokenId)).toBe(true);
      expect(pool.has(second.tokenId)).toBe(true);
      expect(await connectionsOf(TEST_USERS.writer.username)).toBe(before + 2);
    });

    it('a revoked token: its connection closes at once and its next query is 401', async () => {
      const token = await mint(TEST_USERS.writer);
      await ok(token.token, 'social', { query: 'RETURN 1' });
      expect(pool.has(token.tokenId)).toBe(true);
      const before = await connectionsOf(TEST_USERS.writer.username);

      await request(app.http).delete(`/api/auth/tokens/${token.tokenId}`).set(...bearer(token.token)).expect(200);
      expect(pool.has(token.tokenId)).toBe(false);
      // FalkorDB drops the connection from CLIENT LIST once it has read the close.
      await until(async () => (await connectionsOf(TEST_USERS.writer.username)) === before - 1, 5_000, 'FalkorDB to see the connection closed');

      const refused = await runQuery(token.token, 'social', { query: 'RETURN 1' });
      expectProblem(refused, 401, 'INVALID_TOKEN');
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });

    it('revoked elsewhere (another instance): the next request is 401 and closes the pooled connection', async () => {
      const token = await mint(TEST_USERS.reader);
      await ok(token.token, 'social', { query: 'RETURN 1' });
      // Written to the store directly, as another instance would: this instance's pool is not told.
      await app.app.get(TokenRepository).revoke(token.tokenId, Date.now(), 'owner', null);
      expect(pool.has(token.tokenId)).toBe(true);
      expectProblem(await runQuery(token.token, 'social', { query: 'RETURN 1' }), 401, 'INVALID_TOKEN');
      expect(pool.has(token.tokenId)).toBe(false);
    });

    // The pool's own expiry timer is tested with a fake clock in user-connection-pool.spec.ts.
    it('an expired token (fake clock): its next query is 401 and its connection is closed', async () => {
      const token = await mint(TEST_USERS.reader, { ttlSeconds: 60 });
      await ok(token.token, 'social', { query: 'RETURN 1' });
      expect(pool.has(token.tokenId)).toBe(true);
      fakeDateOnly();
      vi.setSystemTime(Date.parse(token.expiresAt as string));
      expectProblem(await runQuery(token.token, 'social', { query: 'RETURN 1' }), 401, 'INVALID_TOKEN');
      expect(pool.has(token.tokenId)).toBe(false);
    });

    it('a logged-out session: its connection closes at once', async () => {
      const cookie = await logIn(app, TEST_USERS.reader, server.port);
      const sessionId = String(claimsOf(decodeURIComponent(cookie.split('=')[1])).jti);
      await request(app.http).get('/api/graph').set('Cookie', cookie).expect(200);
      expect(pool.has(sessionId)).toBe(true);
      await request(app.http).post('/api/auth/logout').set('Cookie', cookie).set(SAME_ORIGIN).expect(204);
      expect(pool.has(sessionId)).toBe(false);
    });

    // Idle closing is tested with a fake clock in user-connection-pool.spec.ts.
    it('stays within its size (least recently used first)', async () => {
      pool.configure({ maxSize: 2 });
      const tokens = await Promise.all([mint(TEST_USERS.reader), mint(TEST_USERS.reader), mint(TEST_USERS.reader)]);
      for (const token of tokens) await ok(token.token, 'social', { query: 'RETURN 1' });
      expect(pool.size).toBe(2);
      expect(tokens.map((token) => pool.has(token.tokenId))).toEqual([false, true, true]);
    });
  });

  it('documents every Graph API operation in OpenAPI with its problem responses', async () => {
    const document = (await request(app.http).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId: string; tags: string[]; responses: Record<string, unknown> }>>;
    };
    const operations = [
      ['/api/graph', 'get', 'listGraphs'],
      ['/api/graph/{graph}/query', 'post', 'runQuery'],
      ['/api/graph/{graph}/explain', 'get', 'explainQuery'],
      ['/api/graph/{graph}/schema', 'get', 'getGraphSchema'],
      ['/api/graph/{graph}', 'delete', 'deleteGraph'],
    ];
    for (const [path, method, operationId] of operations) {
      const operation = document.paths[path]?.[method];
      expect(operation).toMatchObject({ operationId, tags: ['Graph'] });
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '503']));
    }
    expect(Object.keys(document.paths['/api/graph/{graph}/query'].post.responses)).toEqual(expect.arrayContaining(['400', '404', '504']));
  });

  describe('GraphApiModule options in a host application', () => {
    @Module({})
    class HostModule {}

    let host: NestFastifyApplication;
    let token: CreatedToken;

    /** A host app with our modules on the same store, its Graph API configured by `graphApi`. */
    async function startHost(graphApi: Parameters<typeof GraphApiModule.forRoot>[0]): Promise<NestFastifyApplication> {
      const app = await NestFactory.create<NestFastifyApplication>(
        {
          module: HostModule,
          imports: [
            FalkorDbModule.forRoot({ url: server.url }),
            AuthModule.forRoot({ jwtSecret: TEST_SECRETS.JWT_SECRET, sessionSecret: TEST_SECRETS.SESSION_SECRET, encryptionKey: TEST_SECRETS.ENCRYPTION_KEY }),
            TokensModule.forRoot(),
            GraphApiModule.forRoot(graphApi),
          ],
        },
        new FastifyAdapter(),
        { logger: false },
      );
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      return app;
    }

    beforeAll(async () => {
      host = await startHost({ routePrefix: 'v2/graphs', maxRows: 3, defaultTimeoutMs: 100, timeoutGraceMs: 100 });
      // Same secrets and store: a token minted by one instance works on the other.
      token = await mint(TEST_USERS.writer);
    });

    afterAll(async () => {
      await host?.close();
    });

    const hostQuery = (graph: string, body: Body) =>
      request(host.getHttpServer()).post(`/v2/graphs/${graph}/query`).set(...bearer(token.token)).send(body);

    it('mounts under its routePrefix and applies its own row limit', async () => {
      const response = await hostQuery('social', { query: 'UNWIND range(1, 5) AS x RETURN x' }).expect(200);
      expect(response.body).toMatchObject({ rows: [[1], [2], [3]], truncated: true });
    });

    it('answers 504 after the grace period for a write FalkorDB does not time out; the write keeps its connection and commits', async () => {
      const hostPool = host.get(UserConnectionPool);
      const started = Date.now();
      const response = await hostQuery('scratch_slow_write', { query: 'UNWIND range(1, 3000000) AS x CREATE (:T {x: x})' });
      expectProblem(response, 504, 'QUERY_TIMEOUT');
      expect(response.body.detail).toMatch(/may still complete and commit/);
      expect(Date.now() - started).toBeLessThan(1000);
      // Not abandoned: the write keeps the token's connection (its next query is refused with 429
      // while the write runs past its limit) and commits.
      expect(hostPool.has(token.tokenId)).toBe(true);
      let counted: request.Response | undefined;
      await until(
        async () => (counted = await hostQuery('scratch_slow_write', { query: 'MATCH (t:T) RETURN count(t) AS n', timeoutMs: 30_000 })).status !== 429,
        60_000,
        'the write to finish',
      );
      expect(counted?.status).toBe(200);
      expect(counted?.body.rows).toEqual([[3000000]]);
      await hostQuery('scratch_slow_write', { query: 'MATCH (t:T) DELETE t', timeoutMs: 30_000 });
    });

    it('closes the connection of a command still unanswered abandonConnectionAfterMs past its 504 (a server that seems frozen)', async () => {
      const abandoning = await startHost({ routePrefix: 'v3/graphs', defaultTimeoutMs: 100, timeoutGraceMs: 100, abandonConnectionAfterMs: 300 });
      try {
        const pool = abandoning.get(UserConnectionPool);
        const slow = await request(abandoning.getHttpServer())
          .post('/v3/graphs/scratch_abandoned_write/query')
          .set(...bearer(token.token))
          .send({ query: 'UNWIND range(1, 3000000) AS x CREATE (:T {x: x})' });
        expectProblem(slow, 504, 'QUERY_TIMEOUT');
        // The write still runs: its connection is kept past the 504, then closed once 300 ms more have passed.
        expect(pool.has(token.tokenId)).toBe(true);
        await until(() => !pool.has(token.tokenId), 10_000, 'the abandoned connection to close');
      } finally {
        await abandoning.close();
      }
      // FalkorDB still finishes the write; remove what it wrote once it has.
      await until(
        async () => (await hostQuery('scratch_abandoned_write', { query: 'MATCH (t:T) DELETE t', timeoutMs: 30_000 })).status === 200,
        60_000,
        'the abandoned write to finish',
      );
    });
  });
});
