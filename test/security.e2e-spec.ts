import request from 'supertest';
import { bearer, logIn, mintToken, SAME_ORIGIN } from './support/api';
import { CapturingLogger } from './support/capturing-logger';
import { fakeDateOnly } from './support/clock';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp, TEST_SECRETS } from './support/test-app';
import { AttemptLimiter } from '../src/auth/attempt-limiter';
import { DEFAULT_BRUTE_FORCE } from '../src/auth/auth.options';

const credentialsBody = (user: { username: string; password: string }, extra: Record<string, unknown> = {}) => ({
  username: user.username,
  password: user.password,
  name: 'security test',
  ...extra,
});

describe('security (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  afterEach(() => vi.useRealTimers());

  /** Forgets the failures instances share in FalkorDB (AUTH_SHARED_STATE=falkordb), as a new deployment would. */
  async function forgetSharedFailures(): Promise<void> {
    const keys = (await server.command(['KEYS', 'falkordb-pat:*:failures:*'])) as string[];
    if (keys.length) await server.command(['DEL', ...keys]);
  }

  /** A fresh app per test, with fresh brute-force counts: the app's memory and the shared ones. */
  async function withApp<T>(env: Record<string, string | undefined>, run: (app: TestApp) => Promise<T>, logger?: CapturingLogger): Promise<T> {
    await forgetSharedFailures();
    const app = await startTestApp({ FALKORDB_URL: server.url, ...env }, undefined, logger ?? false);
    try {
      return await run(app);
    } finally {
      await app.close();
    }
  }

  describe('brute force', () => {
    it('blocks a username after 10 failed logins (429 + Retry-After), even with the right password, until the window passes', () =>
      withApp({}, async (app) => {
        const start = Date.now();
        fakeDateOnly(start);
        for (let attempt = 0; attempt < 10; attempt++) {
          await request(app.http).post('/api/auth/login').send({ username: TEST_USERS.writer.username, password: 'wrong' }).expect(401);
        }
        const blocked = await request(app.http).post('/api/auth/tokens/credentials').send(credentialsBody(TEST_USERS.writer)).expect(429);
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(blocked.body).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
        // Another user from the same client is not blocked yet.
        await request(app.http).post('/api/auth/tokens/credentials').send(credentialsBody(TEST_USERS.reader)).expect(201);
        vi.setSystemTime(start + 16 * 60 * 1000);
        await request(app.http).post('/api/auth/tokens/credentials').send(credentialsBody(TEST_USERS.writer)).expect(201);
      }));

    it('blocks a client after 20 failures across usernames; a spoofed X-Forwarded-For does not reset it', () =>
      withApp({}, async (app) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          await request(app.http)
            .post('/api/auth/tokens/credentials')
            .set('X-Forwarded-For', `203.0.113.${attempt}`)
            .send(credentialsBody({ username: `nobody_${attempt}`, password: 'x' }))
            .expect(401);
        }
        await request(app.http)
          .post('/api/auth/tokens/credentials')
          .set('X-Forwarded-For', '198.51.100.7')
          .send(credentialsBody(TEST_USERS.admin))
          .expect(429);
        await request(app.http).post('/api/auth/login').send({ username: TEST_USERS.admin.username, password: TEST_USERS.admin.password }).expect(429);
      }));

    it('never refuses automation that mints correctly at 60 tokens a minute', () =>
      withApp({}, async (app) => {
        for (let minted = 0; minted < 60; minted++) {
          await request(app.http).post('/api/auth/tokens/credentials').send(credentialsBody(TEST_USERS.writer, { ttlSeconds: 600 })).expect(201);
        }
      }));

    it('never refuses a valid token for other credentials\' failures from the same address (issue 11, hole 1)', () =>
      withApp({}, async (app) => {
        const { token } = await mintToken(app, TEST_USERS.writer, server.port);
        const session = await logIn(app, TEST_USERS.reader, server.port);
        // Well past 100 refusals from one address, with forged tokens and bad cookies.
        for (let attempt = 0; attempt < 150; attempt++) {
          await request(app.http).get('/api/auth/tokens').set(...bearer(`bad.token.${attempt}`)).expect(401);
        }
        for (let attempt = 0; attempt < 30; attempt++) {
          await request(app.http).get('/api/auth/tokens').set('Cookie', `falkordb_session=bad${attempt}`).expect(401);
        }
        await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200);
        await request(app.http).get('/api/auth/tokens').set('Cookie', session).expect(200);
      }));

    it('blocks a credential that keeps failing (a CI job retrying its revoked token), and only that one', () =>
      withApp({}, async (app) => {
        const valid = await mintToken(app, TEST_USERS.writer, server.port);
        const revoked = await mintToken(app, TEST_USERS.writer, server.port);
        await request(app.http).delete(`/api/auth/tokens/${revoked.tokenId}`).set(...bearer(revoked.token)).expect(200);
        for (let attempt = 0; attempt < 20; attempt++) {
          await request(app.http).get('/api/auth/tokens').set(...bearer(revoked.token)).expect(401);
        }
        const blocked = await request(app.http).get('/api/auth/tokens').set(...bearer(revoked.token)).expect(429);
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
        await request(app.http).get('/api/auth/tokens').set(...bearer(valid.token)).expect(200);
      }));

    it('limits requests without any credential per address, without refusing that address\'s valid tokens', () =>
      withApp({}, async (app) => {
        const { token } = await mintToken(app, TEST_USERS.writer, server.port);
        const limiter = app.app.get(AttemptLimiter);
        for (let attempt = 0; attempt < DEFAULT_BRUTE_FORCE.maxAnonymousFailuresPerClient; attempt++) {
          await limiter.recordAuthenticationFailure('127.0.0.1', undefined);
          await limiter.recordAuthenticationFailure('::ffff:127.0.0.1', undefined);
        }
        await request(app.http).get('/api/auth/tokens').expect(429);
        await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200);
      }));
  });

  describe('brute force with several instances on one FalkorDB', () => {
    /** Two instances at once (same FalkorDB, same token graph), as behind a load balancer. */
    async function withTwoApps(env: Record<string, string | undefined>, run: (first: TestApp, second: TestApp) => Promise<void>): Promise<void> {
      await withApp(env, async (first) => {
        const second = await startTestApp({ FALKORDB_URL: server.url, ...env });
        try {
          await run(first, second);
        } finally {
          await second.close();
        }
      });
    }
    const failLogin = (app: TestApp) => request(app.http).post('/api/auth/login').send({ username: TEST_USERS.writer.username, password: 'wrong' });

    it('shares failed logins: 9 on one instance and 1 on the other block the username on the other (11 attempts in all, not 20)', () =>
      withTwoApps({}, async (first, second) => {
        for (let attempt = 0; attempt < 9; attempt++) await failLogin(first).expect(401);
        await failLogin(second).expect(401);
        await failLogin(second).expect(429);
        // The first instance learns the total with its own next failure.
        await failLogin(first).expect(401);
        await failLogin(first).expect(429);
        await request(first.http).post('/api/auth/tokens/credentials').send(credentialsBody(TEST_USERS.writer)).expect(429);
      }));

    it('shares the failures of a revoked token, not those of a forged one (which never reach the store)', () =>
      withTwoApps({}, async (first, second) => {
        const revoked = await mintToken(first, TEST_USERS.writer, server.port);
        await request(first.http).delete(`/api/auth/tokens/${revoked.tokenId}`).set(...bearer(revoked.token)).expect(200);
        for (let attempt = 0; attempt < 19; attempt++) await request(first.http).get('/api/auth/tokens').set(...bearer(revoked.token)).expect(401);
        await request(second.http).get('/api/auth/tokens').set(...bearer(revoked.token)).expect(401);
        await request(second.http).get('/api/auth/tokens').set(...bearer(revoked.token)).expect(429);

        const forged = `${revoked.token.slice(0, revoked.token.lastIndexOf('.'))}.${'A'.repeat(43)}`;
        for (let attempt = 0; attempt < 19; attempt++) await request(first.http).get('/api/auth/tokens').set(...bearer(forged)).expect(401);
        await request(second.http).get('/api/auth/tokens').set(...bearer(forged)).expect(401);
        await request(second.http).get('/api/auth/tokens').set(...bearer(forged)).expect(401);
      }));

    it('AUTH_SHARED_STATE=instance: each instance counts alone (for a single instance)', () =>
      withTwoApps({ AUTH_SHARED_STATE: 'instance' }, async (first, second) => {
        for (let attempt = 0; attempt < 9; attempt++) await failLogin(first).expect(401);
        for (let attempt = 0; attempt < 10; attempt++) await failLogin(second).expect(401);
        await failLogin(second).expect(429);
        await failLogin(first).expect(401);
        await failLogin(first).expect(429);
      }));
  });

  describe('token types and keys', () => {
    it('keeps tokens signed with a previous JWT_SECRET valid after rotation, and only then', async () => {
      const oldSecret = TEST_SECRETS.JWT_SECRET;
      const newSecret = 'rotated-jwt-secret-0123456789abcdefghijklmno';
      const issued = await withApp({}, (app) => mintToken(app, TEST_USERS.writer, server.port));

      await withApp({ JWT_SECRET: newSecret, JWT_PREVIOUS_SECRETS: oldSecret }, async (app) => {
        await request(app.http).get('/api/auth/tokens').set(...bearer(issued.token)).expect(200);
        const fresh = await mintToken(app, TEST_USERS.writer, server.port);
        const kid = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
        expect(kid(fresh.token)).not.toBe(kid(issued.token));
        // Revocation still applies to tokens of the old key.
        await request(app.http).delete(`/api/auth/tokens/${issued.tokenId}`).set(...bearer(fresh.token)).expect(200);
        await request(app.http).get('/api/auth/tokens').set(...bearer(issued.token)).expect(401);
      });

      const another = await withApp({}, (app) => mintToken(app, TEST_USERS.writer, server.port));
      await withApp({ JWT_SECRET: newSecret }, async (app) => {
        await request(app.http).get('/api/auth/tokens').set(...bearer(another.token)).expect(401);
      });
    });
  });

  describe('CSRF', () => {
    it('requires a same-origin Origin on cookie-authenticated writes', () =>
      withApp({ CORS_ORIGINS: 'https://console.example.com' }, async (app) => {
        const cookie = await logIn(app, TEST_USERS.writer, server.port);
        const mint = () => request(app.http).post('/api/auth/tokens').set('Cookie', cookie).set('Host', 'pat.test');
        const missing = await mint().send({ name: 'no origin' }).expect(403);
        expect(missing.body.detail).toMatch(/Origin/);
        await mint().set('Origin', 'https://evil.example').send({ name: 'cross site' }).expect(403);
        await mint().set('Referer', 'https://evil.example/page').send({ name: 'cross site referer' }).expect(403);
        await mint().set('Origin', 'http://pat.test').send({ name: 'same origin' }).expect(201);
        await mint().set('Origin', 'https://console.example.com').send({ name: 'trusted origin' }).expect(201);
        // Reads with the cookie need no Origin.
        await request(app.http).get('/api/auth/tokens').set('Cookie', cookie).expect(200);
        // Logout is a write too.
        await request(app.http).post('/api/auth/logout').set('Cookie', cookie).expect(403);
        await request(app.http).post('/api/auth/logout').set('Cookie', cookie).set(SAME_ORIGIN).expect(204);
      }));

    it('refuses a cross-site login but accepts clients that send no Origin', () =>
      withApp({}, async (app) => {
        const body = { username: TEST_USERS.reader.username, password: TEST_USERS.reader.password };
        await request(app.http).post('/api/auth/login').set('Host', 'pat.test').set('Origin', 'https://evil.example').send(body).expect(403);
        await request(app.http).post('/api/auth/login').set(SAME_ORIGIN).send(body).expect(200);
        await request(app.http).post('/api/auth/login').send(body).expect(200);
      }));

    it('does not apply to bearer tokens (no ambient credential)', () =>
      withApp({}, async (app) => {
        const { token, tokenId } = await mintToken(app, TEST_USERS.writer, server.port);
        await request(app.http).delete(`/api/auth/tokens/${tokenId}`).set('Origin', 'https://evil.example').set(...bearer(token)).expect(200);
      }));
  });

  describe('HTTP hardening', () => {
    it('sends security headers, a request id, and no CORS unless configured', () =>
      withApp({}, async (app) => {
        const response = await request(app.http).get('/health/live').set('Origin', 'https://evil.example').expect(200);
        // A JSON answer: OWASP's REST set, nothing may load or frame it.
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toBe('DENY');
        expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
        expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
        expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
        expect(response.headers['referrer-policy']).toBe('no-referrer');
        expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
        // So does a problem answer, and one refused before any route ran.
        const problem = await request(app.http).get('/api/auth/tokens').expect(401);
        expect(problem.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
        const misdirected = await request(app.http).get('/health/live').set('Host', 'evil.example').expect(421);
        expect(misdirected.headers['x-frame-options']).toBe('DENY');
        // A document (the API docs) gets helmet's whole set.
        const docs = await request(app.http).get('/docs').redirects(1);
        expect(docs.headers['content-type']).toMatch(/^text\/html/);
        expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
        expect(docs.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(docs.headers['cross-origin-opener-policy']).toBe('same-origin');
        expect(docs.headers['x-permitted-cross-domain-policies']).toBe('none');
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
        const preflight = await request(app.http)
          .options('/api/auth/tokens')
          .set('Origin', 'https://evil.example')
          .set('Access-Control-Request-Method', 'DELETE');
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      }));

    it('answers CORS only for configured origins', () =>
      withApp({ CORS_ORIGINS: 'https://console.example.com' }, async (app) => {
        const allowed = await request(app.http)
          .options('/api/auth/tokens')
          .set('Origin', 'https://console.example.com')
          .set('Access-Control-Request-Method', 'DELETE');
        expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
        expect(allowed.headers['access-control-allow-credentials']).toBe('true');
        const other = await request(app.http).get('/health/live').set('Origin', 'https://evil.example');
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
      }));

    it('refuses bodies over the JSON size limit with 413', () =>
      withApp({}, async (app) => {
        const response = await request(app.http)
          .post('/api/auth/tokens/credentials')
          .send({ username: 'default', password: 'x'.repeat(100 * 1024), name: 'big' })
          .expect(413);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }));

    it('answers a body that is not JSON (a form, text, XML, multipart) with 415 naming the fix, and mints nothing', () =>
      withApp({}, async (app) => {
        const json = JSON.stringify({ username: 'default', password: '', name: 'not json' });
        for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
          const response = await request(app.http).post('/api/auth/tokens/credentials').set('Content-Type', type).send(json);
          expect({ type, status: response.status, detail: response.body.detail }).toEqual({
            type,
            status: 415,
            detail: 'The request body must be JSON, sent with the header Content-Type: application/json',
          });
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        }
        await request(app.http).post('/api/auth/tokens/credentials').set('Content-Type', 'application/json; charset=utf-8').send(json).expect(201);
      }));

    it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', () =>
      withApp({}, async (app) => {
        const kept = await request(app.http).get('/health/live').set('X-Request-Id', 'abc-123').expect(200);
        expect(kept.headers['x-request-id']).toBe('abc-123');
        const replaced = await request(app.http).get('/health/live').set('X-Request-Id', 'bad id "forged": log line').expect(200);
        expect(replaced.headers['x-request-id']).not.toContain('forged');
      }));
  });

  describe('logs', () => {
    it('logs one line per request with its id, and never a token, password, ciphertext or Authorization header', async () => {
      const logger = new CapturingLogger();
      const secrets: string[] = [TEST_USERS.admin.password, TEST_USERS.writer.password, 'wrong-password-for-log-test'];
      let requestId = '';
      await withApp(
        {},
        async (app) => {
          const created = await mintToken(app, TEST_USERS.admin, server.port);
          secrets.push(created.token);
          const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(created.token)).expect(200);
          requestId = listed.headers['x-request-id'];
          const cookie = await logIn(app, TEST_USERS.writer, server.port);
          secrets.push(decodeURIComponent(cookie.split('=')[1]));
          const fromSession = await request(app.http).post('/api/auth/tokens').set('Cookie', cookie).set(SAME_ORIGIN).send({ name: 'log test' }).expect(201);
          secrets.push(fromSession.body.token as string);
          await request(app.http).post('/api/auth/login').send({ username: TEST_USERS.writer.username, password: 'wrong-password-for-log-test' }).expect(401);
          await request(app.http).get('/api/auth/tokens').set(...bearer(`${created.token}tampered`)).expect(401);
          await request(app.http).get(`/api/auth/tokens/${created.tokenId}?access_token=${created.token}`).set(...bearer(created.token)).expect(200);
        },
        logger,
      );
      const sealed = (await server.command(['GRAPH.QUERY', 'token_management', 'MATCH (t:Token) RETURN t.password_enc, t.token_hash'])) as unknown[][];
      for (const row of sealed[1] as string[][]) secrets.push(...row);

      const requestLines = logger.lines.filter((line) => line.includes('"requestId"'));
      expect(requestLines.length).toBeGreaterThanOrEqual(7);
      expect(requestLines.some((line) => line.includes(requestId))).toBe(true);
      for (const line of logger.lines) {
        for (const secret of secrets) expect(line).not.toContain(secret);
        expect(line).not.toMatch(/authorization|bearer |cookie/i);
      }
    });
  });

  describe('injection', () => {
    it('treats hostile usernames as plain (wrong) credentials', () =>
      withApp({}, async (app) => {
        const hostile = ["default\r\nFLUSHALL\r\n", "' OR 1=1 --", '*', 'default" RETURN 1 //', '}) MATCH (n) DETACH DELETE n //'];
        await mintToken(app, TEST_USERS.admin, server.port);
        const countNodes = async () =>
          ((await server.command(['GRAPH.QUERY', 'token_management', 'MATCH (n) RETURN count(n)'])) as unknown[][])[1];
        const before = await countNodes();
        expect(JSON.stringify(before)).not.toBe('[[0]]');
        for (const username of hostile) {
          const response = await request(app.http).post('/api/auth/tokens/credentials').send({ username, password: 'x', name: 'n' });
          expect(response.status).toBe(401);
        }
        expect(await countNodes()).toEqual(before);
      }));

    it('rejects hostile token ids in the path', () =>
      withApp({}, async (app) => {
        const { token } = await mintToken(app, TEST_USERS.admin, server.port);
        for (const id of ["1' OR '1'='1", '%00', '..%2F..%2Fetc', '1761055513181-215c579b%27%7D']) {
          const response = await request(app.http).get(`/api/auth/tokens/${id}`).set(...bearer(token));
          expect([400, 404]).toContain(response.status);
        }
      }));
  });
});
