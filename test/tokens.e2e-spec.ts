import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { bearer, logIn, mintToken, SAME_ORIGIN } from './support/api';
import { fakeDateOnly } from './support/clock';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp, TEST_SECRETS } from './support/test-app';

const TOKEN_ID = /^[0-9]{13}-[0-9a-f]{8}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function signHs256(header: object, payload: object, secret: string): string {
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('Personal Access Tokens (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  afterEach(() => vi.useRealTimers());

  const expectRejectedToken = async (token: string) => {
    const response = await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="falkordb", error="invalid_token"/);
    expect(response.body).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(response.body.message).toBe(response.body.detail);
  };

  describe("the announcement's curl walk-through", () => {
    it('generates, lists, gets and revokes a token as the default user', async () => {
      const created = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .set('Content-Type', 'application/json')
        .send({
          username: 'default',
          password: '',
          host: 'localhost',
          port: String(server.port),
          tls: 'false',
          name: 'CI/CD Pipeline Token',
          ttlSeconds: 2592000,
        })
        .expect(201);
      expect(Object.keys(created.body).sort()).toEqual(['expiresAt', 'token', 'tokenId']);
      const { token, tokenId, expiresAt } = created.body as { token: string; tokenId: string; expiresAt: string };
      expect(token.split('.')).toHaveLength(3);
      expect(tokenId).toMatch(TOKEN_ID);
      expect(expiresAt).toMatch(ISO);
      expect(Math.abs(Date.parse(expiresAt) - (Date.now() + 2592000 * 1000))).toBeLessThan(5000);

      const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200);
      expect(listed.body.role).toBe('Admin');
      expect(listed.body.count).toBe(listed.body.tokens.length);
      const item = listed.body.tokens.find((t: { token_id: string }) => t.token_id === tokenId);
      expect(item).toEqual({
        token_id: tokenId,
        user_id: expect.stringMatching(/^user-[0-9a-f]{12}$/),
        username: 'default',
        name: 'CI/CD Pipeline Token',
        role: 'Admin',
        // The allow-list's spelling of the server (the test server is configured as 127.0.0.1).
        host: '127.0.0.1',
        port: server.port,
        created_at: expect.stringMatching(ISO),
        expires_at: expiresAt,
        last_used: expect.stringMatching(ISO),
        // Where the listing request itself came from (supertest sends no User-Agent).
        last_used_ip: '127.0.0.1',
        last_used_user_agent: null,
        recent_ips: ['127.0.0.1'],
        permissions: { access: 'read-write', graphs: null },
        allowed_ips: null,
        revoked_at: null,
        revoked_by: null,
        revoked_reason: null,
      });

      const single = await request(app.http).get(`/api/auth/tokens/${tokenId}`).set(...bearer(token)).expect(200);
      expect(single.body).toEqual({ token: { ...item, last_used: expect.stringMatching(ISO), is_active: true } });

      const revoked = await request(app.http).delete(`/api/auth/tokens/${tokenId}`).set(...bearer(token)).expect(200);
      expect(revoked.body).toEqual({ message: 'Token revoked successfully', tokenId });
      await expectRejectedToken(token);
    });

    it('never returns the token again, its hash, or any password material', async () => {
      const { token, tokenId } = await mintToken(app, TEST_USERS.admin, server.port);
      const bodies = [
        (await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200)).text,
        (await request(app.http).get(`/api/auth/tokens/${tokenId}`).set(...bearer(token)).expect(200)).text,
      ];
      for (const body of bodies) {
        expect(body).not.toContain(token);
        expect(body).not.toContain(TEST_USERS.admin.password);
        expect(body).not.toMatch(/hash|password|_enc/i);
      }
    });

    it('creates tokens that never expire when neither ttlSeconds nor expiresAt is given', async () => {
      const created = await mintToken(app, TEST_USERS.writer, server.port);
      expect(created.expiresAt).toBeNull();
      expect(claimsOf(created.token).exp).toBeUndefined();
      const single = await request(app.http).get(`/api/auth/tokens/${created.tokenId}`).set(...bearer(created.token)).expect(200);
      expect(single.body.token.expires_at).toBeNull();
    });

    it('accepts an absolute expiresAt', async () => {
      const at = new Date(Date.now() + 7 * 24 * 3600 * 1000);
      at.setUTCMilliseconds(0);
      const created = await mintToken(app, TEST_USERS.writer, server.port, { expiresAt: at.toISOString() });
      expect(created.expiresAt).toBe(at.toISOString().replace('.000Z', 'Z'));
    });
  });

  describe("the OpenAPI request examples (what Swagger UI's Try it out sends)", () => {
    const examplesOf = async (path: string, method: string): Promise<Array<[string, Record<string, unknown>]>> => {
      const document = JSON.parse(await readFile(join(__dirname, '..', 'openapi.json'), 'utf8')) as {
        paths: Record<string, Record<string, { requestBody: { content: Record<string, { examples: Record<string, { value: Record<string, unknown> }> }> } }>>;
      };
      const examples = document.paths[path][method].requestBody.content['application/json'].examples;
      return Object.entries(examples).map(([key, example]) => [key, example.value]);
    };

    it('are each accepted as they are (with the test server\'s port)', async () => {
      const withCredentials = await examplesOf('/api/auth/tokens/credentials', 'post');
      const forSession = await examplesOf('/api/auth/tokens', 'post');
      expect(withCredentials.map(([key]) => key)).toEqual(['byTtlSeconds', 'neverExpires', 'readOnlyForSomeGraphs']);
      expect(forSession.map(([key]) => key)).toEqual(['byTtlSeconds', 'neverExpires', 'readOnlyForSomeGraphs']);
      for (const [key, body] of withCredentials) {
        const response = await request(app.http).post('/api/auth/tokens/credentials').send({ ...body, port: server.port });
        expect({ key, status: response.status }).toEqual({ key, status: 201 });
      }
      const cookie = await logIn(app, { username: 'default', password: '' }, server.port);
      for (const [key, body] of forSession) {
        const response = await request(app.http).post('/api/auth/tokens').set('Cookie', cookie).set(SAME_ORIGIN).send(body);
        expect({ key, status: response.status }).toEqual({ key, status: 201 });
      }
    });
  });

  describe('roles and ownership (real ACL users)', () => {
    it('reads each role from the server ACL', async () => {
      for (const user of Object.values(TEST_USERS)) {
        const { token } = await mintToken(app, user, server.port);
        const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200);
        expect(listed.body.role).toBe(user.role);
      }
    });

    it('shows admins every token of their server and others only their own', async () => {
      const admin = await mintToken(app, TEST_USERS.admin, server.port, { name: 'admin view' });
      const writer = await mintToken(app, TEST_USERS.writer, server.port, { name: 'writer own' });
      const reader = await mintToken(app, TEST_USERS.reader, server.port, { name: 'reader own' });

      const asAdmin = await request(app.http).get('/api/auth/tokens').set(...bearer(admin.token)).expect(200);
      const adminIds = asAdmin.body.tokens.map((t: { token_id: string }) => t.token_id);
      expect(adminIds).toEqual(expect.arrayContaining([admin.tokenId, writer.tokenId, reader.tokenId]));

      for (const [own, user] of [
        [writer, TEST_USERS.writer],
        [reader, TEST_USERS.reader],
      ] as const) {
        const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(own.token)).expect(200);
        expect(listed.body.tokens.length).toBeGreaterThan(0);
        expect(listed.body.tokens.every((t: { username: string }) => t.username === user.username)).toBe(true);
        expect(listed.body.tokens.map((t: { token_id: string }) => t.token_id)).toContain(own.tokenId);
      }
    });

    it('answers 404 to a non-owner on get and revoke, and lets the admin revoke anyone', async () => {
      const writer = await mintToken(app, TEST_USERS.writer, server.port);
      const reader = await mintToken(app, TEST_USERS.reader, server.port);
      const admin = await mintToken(app, TEST_USERS.admin, server.port);

      const notFound = await request(app.http).get(`/api/auth/tokens/${writer.tokenId}`).set(...bearer(reader.token)).expect(404);
      const missing = await request(app.http).get('/api/auth/tokens/1000000000000-00000000').set(...bearer(reader.token)).expect(404);
      expect(notFound.body.title).toBe(missing.body.title);
      expect(notFound.body.code).toBe(missing.body.code);
      // A token with read access may revoke only itself: refused before any lookup, so no oracle either.
      await request(app.http).delete(`/api/auth/tokens/${writer.tokenId}`).set(...bearer(reader.token)).expect(403);
      await request(app.http).delete(`/api/auth/tokens/${reader.tokenId}`).set(...bearer(writer.token)).expect(404);
      // The failed revocations changed nothing.
      await request(app.http).get('/api/auth/tokens').set(...bearer(writer.token)).expect(200);

      await request(app.http).get(`/api/auth/tokens/${writer.tokenId}`).set(...bearer(admin.token)).expect(200);
      await request(app.http).delete(`/api/auth/tokens/${writer.tokenId}`).set(...bearer(admin.token)).expect(200);
      await expectRejectedToken(writer.token);
      // Idempotent: revoking again is still 200, and the owner's view shows it inactive.
      await request(app.http).delete(`/api/auth/tokens/${writer.tokenId}`).set(...bearer(admin.token)).expect(200);
      const detail = await request(app.http).get(`/api/auth/tokens/${writer.tokenId}`).set(...bearer(admin.token)).expect(200);
      expect(detail.body.token.is_active).toBe(false);
    });

    it('takes admin reach from a PAT and a session within 30 s of the ACL demoting the user (fake clock)', async () => {
      const admin = { username: 'pat_demoted_admin', password: 'demoted-admin-pw' };
      await server.command(['ACL', 'SETUSER', admin.username, 'on', `>${admin.password}`, '~*', '&*', '+@all']);
      const others = await mintToken(app, TEST_USERS.writer, server.port, { name: 'someone else' });
      const own = await mintToken(app, admin, server.port, { name: 'own' });
      const cookie = await logIn(app, admin, server.port);
      fakeDateOnly();
      const start = Date.now();
      const asPat = () => request(app.http).get('/api/auth/tokens').set(...bearer(own.token)).expect(200);
      const asSession = () => request(app.http).get('/api/auth/tokens').set('Cookie', cookie).expect(200);
      const ids = (response: request.Response) => response.body.tokens.map((t: { token_id: string }) => t.token_id) as string[];

      for (const response of [await asPat(), await asSession()]) {
        expect(response.body.role).toBe('Admin');
        expect(ids(response)).toEqual(expect.arrayContaining([own.tokenId, others.tokenId]));
      }
      const graphs = async () => (await request(app.http).get('/api/graph').set(...bearer(own.token)).expect(200)).body.graphs as string[];
      expect(await graphs()).toContain('token_management');

      await server.command(['ACL', 'SETUSER', admin.username, '-@admin']);
      vi.setSystemTime(start + 30_000);
      for (const response of [await asPat(), await asSession()]) {
        expect(response.body.role).toBe('Read-Write');
        expect(ids(response)).toContain(own.tokenId);
        expect(ids(response)).not.toContain(others.tokenId);
      }
      expect(await graphs()).not.toContain('token_management');
      await request(app.http).get(`/api/auth/tokens/${others.tokenId}`).set(...bearer(own.token)).expect(404);
      await request(app.http).delete(`/api/auth/tokens/${others.tokenId}`).set(...bearer(own.token)).expect(404);
      await request(app.http).get('/api/auth/tokens').set(...bearer(others.token)).expect(200);
    });
  });

  describe('credentials', () => {
    it('gives the same 401 for an unknown user and a wrong password', async () => {
      const send = (username: string, password: string) =>
        request(app.http)
          .post('/api/auth/tokens/credentials')
          .send({ username, password, name: 'x', port: server.port, host: 'localhost' })
          .expect(401);
      const unknown = await send('no_such_user', 'whatever');
      const wrong = await send(TEST_USERS.writer.username, 'wrong-password');
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.body.detail).toBe('Invalid username or password');
      expect(unknown.headers['www-authenticate']).toBe('Bearer realm="falkordb"');
    });

    it('names TLS as the likely cause when a TLS connection to a plain server fails (503)', async () => {
      const response = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ ...TEST_USERS.writer, role: undefined, host: 'localhost', port: String(server.port), tls: 'true', name: 'over tls' })
        .expect(503);
      expect(response.body.code).toBe('FALKORDB_UNREACHABLE');
      expect(response.body.detail).toMatch(/cannot be reached over TLS .*"tls": false/);
    });

    it('uses the configured server when host and port are omitted', async () => {
      const response = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ ...TEST_USERS.writer, role: undefined, name: 'default server' })
        .expect(201);
      expect(response.body.tokenId).toMatch(TOKEN_ID);
    });
  });

  describe('validation errors name each bad field', () => {
    const base = () => ({ username: 'default', password: '', host: 'localhost', port: String(server.port), name: 'valid' });
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['negative ttlSeconds', { ttlSeconds: -5 }, ['ttlSeconds']],
      ['zero ttlSeconds', { ttlSeconds: 0 }, ['ttlSeconds']],
      ['fractional ttlSeconds', { ttlSeconds: 1.5 }, ['ttlSeconds']],
      ['huge ttlSeconds', { ttlSeconds: 1e15 }, ['ttlSeconds']],
      ['ttlSeconds beyond the maximum lifetime', { ttlSeconds: 366 * 24 * 3600 }, ['ttlSeconds']],
      ['past expiresAt', { expiresAt: '2020-01-01T00:00:00Z' }, ['expiresAt']],
      ['unparseable expiresAt', { expiresAt: 'next tuesday' }, ['expiresAt']],
      ['expiresAt without a time zone (it would be read in the server\'s zone)', { expiresAt: '2099-01-01T00:00:00' }, ['expiresAt']],
      ['expiresAt as a number', { expiresAt: 4102444800000 }, ['expiresAt']],
      ['both ttlSeconds and expiresAt', { ttlSeconds: 60, expiresAt: '2099-01-01T00:00:00Z' }, ['ttlSeconds', 'expiresAt']],
      ['missing name', { name: undefined }, ['name']],
      ['blank name', { name: '   ' }, ['name']],
      ['name over 100 characters', { name: 'n'.repeat(101) }, ['name']],
      ['name with a lone surrogate (it would be stored as U+FFFD)', { name: 'ci \ud800' }, ['name']],
      ['a prototype field (Nest would drop it silently)', { prototype: 'x' }, ['prototype']],
      ['port not a number', { port: 'abc' }, ['port']],
      ['port out of range', { port: 70000 }, ['port']],
      ['tls not a boolean', { tls: 'maybe' }, ['tls']],
      ['missing username', { username: undefined }, ['username']],
      ['password not a string', { password: 42 }, ['password']],
      ['unknown field', { admin: true }, ['admin']],
      ['unknown host', { host: 'evil.example.com' }, ['host']],
      ['allowed host on another port', { port: '1' }, ['host']],
    ];

    it.each(cases)('%s -> 400', async (_label, change, fields) => {
      const response = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ ...base(), ...change })
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Object.keys(response.body.errors).sort()).toEqual([...fields].sort());
      for (const field of fields) expect(response.body.detail).toContain(field);
    });

    it('takes null for ttlSeconds and expiresAt as absent (the expiresAt: null of "never", echoed back)', async () => {
      const created = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ ...base(), ttlSeconds: null, expiresAt: null })
        .expect(201);
      expect(created.body.expiresAt).toBeNull();
      const withTtl = await request(app.http).post('/api/auth/tokens/credentials').send({ ...base(), ttlSeconds: 60, expiresAt: null }).expect(201);
      expect(Date.parse(withTtl.body.expiresAt as string) - Date.now()).toBeLessThanOrEqual(60_000);
    });

    it('rejects a body that is not JSON with 400', async () => {
      const response = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .set('Content-Type', 'application/json')
        .send('{"username": ')
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('rejects a malformed token id with 400', async () => {
      const { token } = await mintToken(app, TEST_USERS.writer, server.port);
      const response = await request(app.http).get('/api/auth/tokens/not-an-id').set(...bearer(token)).expect(400);
      expect(response.body.errors).toHaveProperty('tokenId');
    });
  });

  describe('rejected credentials are 401 with WWW-Authenticate', () => {
    let valid: { token: string; tokenId: string };

    beforeAll(async () => {
      valid = await mintToken(app, TEST_USERS.writer, server.port);
    });

    it('no credential at all', async () => {
      const response = await request(app.http).get('/api/auth/tokens').expect(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="falkordb"');
      expect(response.body.code).toBe('AUTHENTICATION_REQUIRED');
    });

    it('a tampered payload', async () => {
      const [header, payload, signature] = valid.token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = `${header}.${base64url({ ...claims, sub: 'user-000000000000' })}.${signature}`;
      await expectRejectedToken(forged);
    });

    it('a token signed with another secret', async () => {
      const claims = claimsOf(valid.token);
      await expectRejectedToken(signHs256({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-0123456789abcdefghijklmnop'));
    });

    it('alg: none', async () => {
      const claims = claimsOf(valid.token);
      await expectRejectedToken(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`);
    });

    it('HS512 signed with the right secret (only HS256 is accepted)', async () => {
      const claims = claimsOf(valid.token);
      const unsigned = `${base64url({ alg: 'HS512', typ: 'JWT' })}.${base64url(claims)}`;
      const signature = createHmac('sha512', TEST_SECRETS.JWT_SECRET).update(unsigned).digest('base64url');
      await expectRejectedToken(`${unsigned}.${signature}`);
    });

    it('garbage', async () => {
      await expectRejectedToken('not.a.jwt');
    });

    it('a session token sent as a PAT, and a PAT sent as a session cookie', async () => {
      const cookie = await logIn(app, TEST_USERS.writer, server.port);
      const sessionToken = decodeURIComponent(cookie.split('=')[1]);
      await expectRejectedToken(sessionToken);
      const asCookie = await request(app.http).get('/api/auth/tokens').set('Cookie', `falkordb_session=${valid.token}`).expect(401);
      expect(asCookie.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });

    it('a PAT whose signature is valid but whose typ claims to be a session', async () => {
      const claims = { ...claimsOf(valid.token), typ: 'session' };
      await expectRejectedToken(signHs256({ alg: 'HS256', typ: 'JWT' }, claims, TEST_SECRETS.JWT_SECRET));
    });

    it('an expired token (fake clock)', async () => {
      const created = await mintToken(app, TEST_USERS.writer, server.port, { ttlSeconds: 60 });
      await request(app.http).get('/api/auth/tokens').set(...bearer(created.token)).expect(200);
      fakeDateOnly(Date.now() + 61 * 1000);
      // Inside the JWT clock leeway, the stored expiry still refuses it.
      await expectRejectedToken(created.token);
      vi.setSystemTime(Date.now() + 3600 * 1000);
      const response = await request(app.http).get('/api/auth/tokens').set(...bearer(created.token)).expect(401);
      expect(response.body.detail).toMatch(/expired/);
      vi.useRealTimers();
      // Expired tokens are no longer listed as active.
      const admin = await mintToken(app, TEST_USERS.admin, server.port);
      fakeDateOnly(Date.now() + 61 * 1000);
      const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(admin.token)).expect(200);
      expect(listed.body.tokens.map((t: { token_id: string }) => t.token_id)).not.toContain(created.tokenId);
      // ...but stay listable as expired until the retention period has passed.
      const expired = await request(app.http).get('/api/auth/tokens?state=expired').set(...bearer(admin.token)).expect(200);
      expect(expired.body.tokens.map((t: { token_id: string }) => t.token_id)).toContain(created.tokenId);
    });
  });

  describe('listing by state', () => {
    it('lists revoked tokens with state=revoked, everything with state=all, and refuses an unknown state', async () => {
      const owner = await mintToken(app, TEST_USERS.writer, server.port, { name: 'lister' });
      const revoked = await mintToken(app, TEST_USERS.writer, server.port, { name: 'to be revoked' });
      await request(app.http).delete(`/api/auth/tokens/${revoked.tokenId}`).set(...bearer(owner.token)).expect(200);
      const ids = async (query: string) =>
        ((await request(app.http).get(`/api/auth/tokens${query}`).set(...bearer(owner.token)).expect(200)).body.tokens as Array<{ token_id: string }>).map(
          (token) => token.token_id,
        );
      expect(await ids('')).toContain(owner.tokenId);
      expect(await ids('')).not.toContain(revoked.tokenId);
      expect(await ids('?state=revoked')).toContain(revoked.tokenId);
      expect(await ids('?state=revoked')).not.toContain(owner.tokenId);
      expect(await ids('?state=all')).toEqual(expect.arrayContaining([owner.tokenId, revoked.tokenId]));
      const bad = await request(app.http).get('/api/auth/tokens?state=gone').set(...bearer(owner.token)).expect(400);
      expect(bad.body.errors).toEqual({ state: ['state must be one of active, expired, revoked, all'] });
    });
  });

  describe('sessions', () => {
    it('logs in with an httpOnly SameSite=Strict cookie and mints tokens without credentials', async () => {
      const login = await request(app.http)
        .post('/api/auth/login')
        .send({ username: TEST_USERS.admin.username, password: TEST_USERS.admin.password })
        .expect(200);
      expect(login.body).toEqual({ username: TEST_USERS.admin.username, role: 'Admin', expiresAt: expect.stringMatching(ISO) });
      const setCookie = String(login.headers['set-cookie']);
      expect(setCookie).toMatch(/^falkordb_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict/);
      const cookie = setCookie.split(';')[0];

      const created = await request(app.http).post('/api/auth/tokens').set('Cookie', cookie).set(SAME_ORIGIN).send({ name: 'from the browser', ttlSeconds: 3600 }).expect(201);
      expect(created.body.tokenId).toMatch(TOKEN_ID);
      // The minted PAT works on its own and belongs to the session's user.
      const detail = await request(app.http).get(`/api/auth/tokens/${created.body.tokenId}`).set(...bearer(created.body.token)).expect(200);
      expect(detail.body.token).toMatchObject({ username: TEST_USERS.admin.username, role: 'Admin', name: 'from the browser' });
      // The session can list and revoke like a PAT.
      await request(app.http).get('/api/auth/tokens').set('Cookie', cookie).expect(200);

      await request(app.http).post('/api/auth/logout').set('Cookie', cookie).set(SAME_ORIGIN).expect(204);
      const after = await request(app.http).get('/api/auth/tokens').set('Cookie', cookie).expect(401);
      expect(after.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });

    it('checks the session user with FalkorDB again before minting: the role as the ACL gives it now, and no token for a refused password', async () => {
      const user = { username: 'pat_session_user', password: 'session-user-pw' };
      const setAcl = (...rules: string[]) => server.command(['ACL', 'SETUSER', user.username, ...rules]);
      await setAcl('reset', 'on', `>${user.password}`, '~*', '&*', '+@all');
      const cookie = await logIn(app, user, server.port);
      const mintWithSession = () => request(app.http).post('/api/auth/tokens').set('Cookie', cookie).set(SAME_ORIGIN).send({ name: 'from the session' });

      // Demoted while the session lives: the new token records Read-Write, not the session's Admin.
      await setAcl('-@admin');
      const created = await mintWithSession().expect(201);
      const detail = await request(app.http).get(`/api/auth/tokens/${created.body.tokenId}`).set(...bearer(created.body.token)).expect(200);
      expect(detail.body.token.role).toBe('Read-Write');

      // Its password changed: no token is minted with the old one.
      await setAcl('resetpass', '>a-new-password');
      const before = (await request(app.http).get('/api/auth/tokens').set(...bearer(created.body.token)).expect(200)).body.count as number;
      const refused = await mintWithSession().expect(401);
      expect(refused.body.detail).toMatch(/no longer accepts the password/);
      expect((await request(app.http).get('/api/auth/tokens').set(...bearer(created.body.token)).expect(200)).body.count).toBe(before);
    });

    it('refuses to let a PAT mint PATs', async () => {
      const { token } = await mintToken(app, TEST_USERS.admin, server.port);
      const response = await request(app.http).post('/api/auth/tokens').set(...bearer(token)).send({ name: 'nope' }).expect(403);
      expect(response.body.detail).toMatch(/session/);
    });

    it('refuses a wrong password at login', async () => {
      await request(app.http).post('/api/auth/login').send({ username: TEST_USERS.admin.username, password: 'nope' }).expect(401);
    });

    it('validates the session mint body', async () => {
      const cookie = await logIn(app, TEST_USERS.writer, server.port);
      const response = await request(app.http).post('/api/auth/tokens').set('Cookie', cookie).set(SAME_ORIGIN).send({ ttlSeconds: 0 }).expect(400);
      expect(Object.keys(response.body.errors).sort()).toEqual(['name', 'ttlSeconds']);
    });
  });

  describe('storage', () => {
    it('round-trips a token name full of quotes, backslashes and Cypher', async () => {
      const hostile = `'"\\ }) MATCH (n) DETACH DELETE n // \\" RETURN 1; CALL db.labels() \n\t$param {x:1}`;
      const created = await mintToken(app, TEST_USERS.admin, server.port, { name: hostile });
      const detail = await request(app.http).get(`/api/auth/tokens/${created.tokenId}`).set(...bearer(created.token)).expect(200);
      expect(detail.body.token.name).toBe(hostile);
      // Nothing was deleted: the token store still holds the other tokens.
      const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(created.token)).expect(200);
      expect(listed.body.count).toBeGreaterThan(1);
    });

    it('stores only the SHA-256 hash and an AES-GCM ciphertext, never the token or password', async () => {
      const created = await mintToken(app, TEST_USERS.admin, server.port);
      const reply = (await server.command([
        'GRAPH.QUERY', 'token_management',
        `MATCH (t:Token {token_id: '${created.tokenId}'})-[:BELONGS_TO]->(u:User) RETURN t.token_hash, t.password_enc, u.user_id`,
      ])) as unknown[][];
      const [hash, sealed] = (reply[1] as unknown[][])[0] as string[];
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain(TEST_USERS.admin.password);
      const dump = JSON.stringify(await server.command(['GRAPH.QUERY', 'token_management', 'MATCH (n) RETURN properties(n)']));
      expect(dump).not.toContain(created.token);
      expect(dump).not.toContain(TEST_USERS.admin.password);
    });

    it('writes last_used at most once per 5 minutes (fake clock)', async () => {
      const created = await mintToken(app, TEST_USERS.writer, server.port);
      const lastUsed = async () =>
        (await request(app.http).get(`/api/auth/tokens/${created.tokenId}`).set(...bearer(created.token)).expect(200)).body.token.last_used as string;
      const start = Date.now();
      fakeDateOnly(start);
      const first = await lastUsed();
      vi.setSystemTime(start + 4 * 60 * 1000);
      expect(await lastUsed()).toBe(first);
      vi.setSystemTime(start + 6 * 60 * 1000);
      const second = await lastUsed();
      expect(Date.parse(second) - Date.parse(first)).toBeGreaterThanOrEqual(5 * 60 * 1000);
    });
  });
});
