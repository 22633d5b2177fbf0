import request from 'supertest';
import { UserConnectionPool } from '../src/falkordb/user-connections/user-connection-pool';
import { bearer, logIn, mintToken, SAME_ORIGIN } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp } from './support/test-app';

/** Per-token permissions, rotation with reuse detection, and self-service revocation (contract v2). */
describe('token permissions, rotation and self-service (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url, TOKEN_MAX_ACTIVE_PER_USER: '1000' });
    const writer = await mintToken(app, TEST_USERS.writer, server.port);
    for (const graph of ['sales_eu', 'sales_us', 'hr', 'social']) {
      await request(app.http).post(`/api/graph/${graph}/query`).set(...bearer(writer.token)).send({ query: 'CREATE (:Seed {n: 1})' }).expect(200);
    }
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  const query = (token: string, graph: string, body: Record<string, unknown>) =>
    request(app.http).post(`/api/graph/${graph}/query`).set(...bearer(token)).send(body);
  const metadataOf = async (token: string, tokenId: string) =>
    (await request(app.http).get(`/api/auth/tokens/${tokenId}`).set(...bearer(token)).expect(200)).body.token;

  describe('permissions', () => {
    it('a read token cannot write or delete by any route, and reads as before', async () => {
      const reader = await mintToken(app, TEST_USERS.writer, server.port, { permissions: { access: 'read' } });
      expect((await metadataOf(reader.token, reader.tokenId)).permissions).toEqual({ access: 'read', graphs: null });
      for (const write of [
        'CREATE (:X)',
        'MERGE (:Seed {n: 2})',
        'MATCH (s:Seed) SET s.n = 3',
        'MATCH (s:Seed) DELETE s',
        "CALL db.idx.fulltext.createNodeIndex('Seed', 'n')",
        'CREATE INDEX FOR (s:Seed) ON (s.n)',
      ]) {
        const refused = await query(reader.token, 'social', { query: write });
        expect({ write, status: refused.status, code: refused.body.code }).toEqual({ write, status: 403, code: 'FORBIDDEN' });
      }
      const deleted = await request(app.http).delete('/api/graph/social').set(...bearer(reader.token));
      expect(deleted.status).toBe(403);
      const read = await query(reader.token, 'social', { query: 'MATCH (s:Seed) RETURN count(s) AS n' }).expect(200);
      expect(read.body.rows).toEqual([[1]]);
    });

    it('a graph pattern sales_* admits sales_eu and hides hr exactly like a missing graph', async () => {
      const scoped = await mintToken(app, TEST_USERS.writer, server.port, { permissions: { graphs: ['sales_*', 'social'] } });
      await query(scoped.token, 'sales_eu', { query: 'MATCH (s:Seed) RETURN count(s)' }).expect(200);
      await query(scoped.token, 'sales_eu', { query: 'CREATE (:Sale)' }).expect(200);
      const hidden = await query(scoped.token, 'hr', { query: 'MATCH (n) RETURN n' });
      const missing = await query(scoped.token, 'sales_missing', { query: 'MATCH (n) RETURN n', readOnly: true });
      expect(hidden.status).toBe(404);
      expect(missing.status).toBe(404);
      const shape = (body: Record<string, unknown>, graph: string) => ({ ...body, detail: String(body.detail).replace(graph, 'G'), message: String(body.message).replace(graph, 'G') });
      expect(shape(hidden.body, 'hr')).toEqual(shape(missing.body, 'sales_missing'));
      for (const path of ['/api/graph/hr/schema', '/api/graph/hr/explain?query=MATCH%20(n)%20RETURN%20n']) {
        expect((await request(app.http).get(path).set(...bearer(scoped.token))).status).toBe(404);
      }
      expect((await request(app.http).delete('/api/graph/hr').set(...bearer(scoped.token))).status).toBe(404);
      const listed = (await request(app.http).get('/api/graph').set(...bearer(scoped.token)).expect(200)).body.graphs as string[];
      expect(listed).toEqual(expect.arrayContaining(['sales_eu', 'sales_us', 'social']));
      expect(listed).not.toContain('hr');
    });

    it('only narrows: a Read-Only user cannot ask for read-write; bad patterns and addresses are named', async () => {
      const widen = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ username: TEST_USERS.reader.username, password: TEST_USERS.reader.password, name: 'wider', permissions: { access: 'read-write' } })
        .expect(400);
      expect(widen.body.errors).toHaveProperty(['permissions.access']);
      const bad = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({
          username: TEST_USERS.writer.username,
          password: TEST_USERS.writer.password,
          name: 'bad',
          permissions: { access: 'admin', graphs: ['ok', 'bad graph', '*x'], extra: 1 },
          allowedIps: ['10.0.0.0/33', 'not-an-ip'],
        })
        .expect(400);
      expect(Object.keys(bad.body.errors).sort()).toEqual(['allowedIps', 'permissions.access', 'permissions.extra', 'permissions.graphs']);
      const reader = await mintToken(app, TEST_USERS.reader, server.port);
      expect((await metadataOf(reader.token, reader.tokenId)).permissions).toEqual({ access: 'read', graphs: null });
    });

    it('an address outside allowedIps gets 403 token_ip_not_allowed, the client address resolved per TRUST_PROXY', async () => {
      const proxied = await startTestApp({ FALKORDB_URL: server.url, TRUST_PROXY: 'true' });
      try {
        const limited = await mintToken(proxied, TEST_USERS.writer, server.port, { allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
        const from = (address: string) => request(proxied.http).get('/api/auth/tokens').set(...bearer(limited.token)).set('X-Forwarded-For', address);
        await from('10.20.30.40').expect(200);
        await from('2001:db8::7').expect(200);
        const refused = await from('203.0.113.9').expect(403);
        expect(refused.body).toMatchObject({ code: 'TOKEN_IP_NOT_ALLOWED', type: expect.stringMatching(/token-ip-not-allowed$/) });
        expect((await metadataOf(limited.token, limited.tokenId).catch(() => undefined)) ?? 'refused from loopback').toBe('refused from loopback');
      } finally {
        await proxied.close();
      }
      // Without a trusted proxy, X-Forwarded-For is the client's own claim and is ignored.
      const loopbackOnly = await mintToken(app, TEST_USERS.writer, server.port, { allowedIps: ['127.0.0.1', '::1'] });
      await request(app.http).get('/api/auth/tokens').set(...bearer(loopbackOnly.token)).set('X-Forwarded-For', '10.0.0.1').expect(200);
      const elsewhere = await mintToken(app, TEST_USERS.writer, server.port, { allowedIps: ['192.0.2.0/24'] });
      await request(app.http).get('/api/auth/tokens').set(...bearer(elsewhere.token)).set('X-Forwarded-For', '192.0.2.1').expect(403);
    });
  });

  describe('rotation', () => {
    it('replaces a token: same name, owner, permissions and allowed IPs, the old lifetime from now; the old one is 401 at once', async () => {
      const old = await mintToken(app, TEST_USERS.writer, server.port, {
        name: 'rotating job',
        ttlSeconds: 3600,
        permissions: { access: 'read', graphs: ['social'] },
        allowedIps: ['127.0.0.0/8', '::1'],
      });
      await query(old.token, 'social', { query: 'RETURN 1' }).expect(200);
      const pool = app.app.get(UserConnectionPool);
      expect(pool.has(old.tokenId)).toBe(true);
      const rotated = await request(app.http).post(`/api/auth/tokens/${old.tokenId}/rotate`).set(...bearer(old.token)).expect(201);
      expect(Object.keys(rotated.body).sort()).toEqual(['expiresAt', 'token', 'tokenId']);
      expect(rotated.headers['cache-control']).toBe('no-store');
      expect(Math.abs(Date.parse(rotated.body.expiresAt as string) - (Date.now() + 3600_000))).toBeLessThan(5000);
      expect(pool.has(old.tokenId)).toBe(false);
      const fresh = await metadataOf(rotated.body.token as string, rotated.body.tokenId as string);
      expect(fresh).toMatchObject({ name: 'rotating job', username: TEST_USERS.writer.username, permissions: { access: 'read', graphs: ['social'] }, allowed_ips: ['127.0.0.0/8', '::1'], is_active: true });
      const retired = await metadataOf(rotated.body.token as string, old.tokenId);
      expect(retired).toMatchObject({ is_active: false, revoked_reason: 'rotated', revoked_by: TEST_USERS.writer.username });
      await request(app.http).get('/api/auth/tokens/self').set(...bearer(old.token)).expect(401);
    });

    it('rotates the presenting token at /tokens/self/rotate, a read token too, and refuses a session there', async () => {
      const old = await mintToken(app, TEST_USERS.writer, server.port, { name: 'self rotating', ttlSeconds: 3600, permissions: { access: 'read' } });
      const rotated = await request(app.http).post('/api/auth/tokens/self/rotate').set(...bearer(old.token)).send({ ttlSeconds: 600 }).expect(201);
      expect(Object.keys(rotated.body).sort()).toEqual(['expiresAt', 'token', 'tokenId']);
      expect(rotated.headers['cache-control']).toBe('no-store');
      expect(Math.abs(Date.parse(rotated.body.expiresAt as string) - (Date.now() + 600_000))).toBeLessThan(5000);
      const fresh = await metadataOf(rotated.body.token as string, rotated.body.tokenId as string);
      expect(fresh).toMatchObject({ name: 'self rotating', permissions: { access: 'read', graphs: null }, is_active: true });
      expect(await metadataOf(rotated.body.token as string, old.tokenId)).toMatchObject({ is_active: false, revoked_reason: 'rotated' });
      await request(app.http).get('/api/auth/tokens/self').set(...bearer(old.token)).expect(401);
      const cookie = await logIn(app, TEST_USERS.writer, server.port);
      await request(app.http).post('/api/auth/tokens/self/rotate').set('Cookie', cookie).set(SAME_ORIGIN).expect(403);
    });

    it('does not let a token rotate itself from outside its allowed IPs: 403, and it stays the active one', async () => {
      const fenced = await mintToken(app, TEST_USERS.writer, server.port, { name: 'fenced', allowedIps: ['10.0.0.0/8'] });
      await request(app.http).post('/api/auth/tokens/self/rotate').set(...bearer(fenced.token)).expect(403);
      const admin = await mintToken(app, TEST_USERS.admin, server.port);
      expect(await metadataOf(admin.token, fenced.tokenId)).toMatchObject({ is_active: true, allowed_ips: ['10.0.0.0/8'] });
    });

    it('using a rotated-away token revokes every token rotated from it (reuse detection)', async () => {
      const first = await mintToken(app, TEST_USERS.writer, server.port, { name: 'chain' });
      const second = (await request(app.http).post(`/api/auth/tokens/${first.tokenId}/rotate`).set(...bearer(first.token)).expect(201)).body;
      const third = (await request(app.http).post(`/api/auth/tokens/${second.tokenId}/rotate`).set(...bearer(second.token)).send({ ttlSeconds: 600 }).expect(201)).body;
      await request(app.http).get('/api/auth/tokens/self').set(...bearer(third.token)).expect(200);
      // The leaked first token is presented again: 401, and its successors go with it.
      await request(app.http).get('/api/auth/tokens').set(...bearer(first.token)).expect(401);
      await request(app.http).get('/api/auth/tokens/self').set(...bearer(third.token)).expect(401);
      const admin = await mintToken(app, TEST_USERS.admin, server.port);
      expect(await metadataOf(admin.token, third.tokenId)).toMatchObject({ is_active: false, revoked_reason: 'reuse_detected' });
    });

    it('lets an admin rotate anyone\'s token, a read token only itself, and refuses a revoked one with 409', async () => {
      const admin = await mintToken(app, TEST_USERS.admin, server.port);
      const owned = await mintToken(app, TEST_USERS.writer, server.port);
      const rotated = await request(app.http).post(`/api/auth/tokens/${owned.tokenId}/rotate`).set(...bearer(admin.token)).expect(201);
      expect((await metadataOf(admin.token, rotated.body.tokenId as string)).username).toBe(TEST_USERS.writer.username);
      await request(app.http).post(`/api/auth/tokens/${owned.tokenId}/rotate`).set(...bearer(admin.token)).expect(409);
      const reader = await mintToken(app, TEST_USERS.writer, server.port, { permissions: { access: 'read' } });
      const other = await mintToken(app, TEST_USERS.writer, server.port);
      await request(app.http).post(`/api/auth/tokens/${other.tokenId}/rotate`).set(...bearer(reader.token)).expect(403);
      await request(app.http).post(`/api/auth/tokens/${reader.tokenId}/rotate`).set(...bearer(reader.token)).expect(201);
    });
  });

  describe('self-service', () => {
    it('GET and DELETE /tokens/self act on the presenting token; PAT responses carry Token-Expires-At', async () => {
      const expiring = await mintToken(app, TEST_USERS.writer, server.port, { ttlSeconds: 600 });
      const self = await request(app.http).get('/api/auth/tokens/self').set(...bearer(expiring.token)).expect(200);
      expect(self.body.token).toMatchObject({ token_id: expiring.tokenId, is_active: true });
      expect(self.headers['token-expires-at']).toBe(expiring.expiresAt);
      const never = await mintToken(app, TEST_USERS.writer, server.port);
      expect((await request(app.http).get('/api/auth/tokens').set(...bearer(never.token)).expect(200)).headers['token-expires-at']).toBeUndefined();

      const cookie = await logIn(app, TEST_USERS.writer, server.port);
      await request(app.http).get('/api/auth/tokens/self').set('Cookie', cookie).expect(403);

      const reader = await mintToken(app, TEST_USERS.writer, server.port, { permissions: { access: 'read' } });
      const revoked = await request(app.http).delete('/api/auth/tokens/self').set(...bearer(reader.token)).expect(200);
      expect(revoked.body).toEqual({ message: 'Token revoked successfully', tokenId: reader.tokenId });
      await request(app.http).get('/api/auth/tokens/self').set(...bearer(reader.token)).expect(401);
    });

    it('DELETE /tokens revokes every active token of the caller, or of another user for an admin', async () => {
      const mine = [await mintToken(app, TEST_USERS.reader, server.port), await mintToken(app, TEST_USERS.reader, server.port)];
      const cookie = await logIn(app, TEST_USERS.reader, server.port);
      const admin = await mintToken(app, TEST_USERS.admin, server.port);
      const writer = await mintToken(app, TEST_USERS.writer, server.port);
      await request(app.http).delete(`/api/auth/tokens?username=${TEST_USERS.reader.username}`).set(...bearer(writer.token)).expect(403);
      await request(app.http).delete('/api/auth/tokens').set(...bearer(mine[0].token)).expect(403); // a read token
      const own = await request(app.http).delete('/api/auth/tokens').set({ ...SAME_ORIGIN, Cookie: cookie }).expect(200);
      expect(own.body).toEqual({ message: 'Tokens revoked successfully', revoked: expect.any(Number) });
      expect(own.body.revoked).toBeGreaterThanOrEqual(2);
      for (const token of mine) await request(app.http).get('/api/auth/tokens').set(...bearer(token.token)).expect(401);
      const byAdmin = await request(app.http).delete(`/api/auth/tokens?username=${TEST_USERS.writer.username}`).set(...bearer(admin.token)).expect(200);
      expect(byAdmin.body.revoked).toBeGreaterThanOrEqual(1);
      await request(app.http).get('/api/auth/tokens').set(...bearer(writer.token)).expect(401);
      expect(await metadataOf(admin.token, writer.tokenId)).toMatchObject({ revoked_reason: 'bulk', revoked_by: TEST_USERS.admin.username });
    });

    it('revoke-leaked answers 202 to genuine and garbage tokens alike, revokes only the genuine one, and is rate-limited', async () => {
      const leaked = await mintToken(app, TEST_USERS.writer, server.port, { name: 'leaked' });
      const kept = await mintToken(app, TEST_USERS.writer, server.port, { name: 'kept' });
      const [header, payload] = kept.token.split('.');
      const forged = `${header}.${payload}.${'A'.repeat(43)}`;
      const report = (tokens: string[]) => request(app.http).post('/api/auth/tokens/revoke-leaked').send({ tokens });
      const garbage = await report(['not a token', forged, 'a.b.c']).expect(202);
      const genuine = await report([leaked.token, 'not a token', forged]).expect(202);
      expect(garbage.body).toEqual({ received: 3 });
      expect(genuine.body).toEqual({ received: 3 });
      await request(app.http).get('/api/auth/tokens').set(...bearer(leaked.token)).expect(401);
      await request(app.http).get('/api/auth/tokens').set(...bearer(kept.token)).expect(200);
      const admin = await mintToken(app, TEST_USERS.admin, server.port);
      expect(await metadataOf(admin.token, leaked.tokenId)).toMatchObject({ revoked_reason: 'leaked', revoked_by: null });
      await report([]).expect(400);
      let status = 202;
      for (let attempt = 0; attempt < 40 && status === 202; attempt++) status = (await report(['x'])).status;
      expect(status).toBe(429);
    });
  });
});
