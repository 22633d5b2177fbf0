import type { FalkorDB } from 'falkordb';
import request from 'supertest';
import { FalkorDbConnection } from '../src';
import { createHostApp, HostApp, HTTP_ADAPTERS, HttpAdapterName } from './host-app/create-host-app';
import { REGISTRATION_STYLES, RegistrationStyle } from './host-app/host-app.module';
import { HOST_FALKORDB } from './host-app/host-falkordb.module';
import { hostSettings } from './host-app/host-config';
import { bearer } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';

type User = (typeof TEST_USERS)[keyof typeof TEST_USERS];

const MATRIX = REGISTRATION_STYLES.flatMap((style) => HTTP_ADAPTERS.map((adapter) => [style, adapter] as [RegistrationStyle, HttpAdapterName]));

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Our modules embedded in someone else's Nest application (test/host-app), run once per
 * registration style and per HTTP adapter, as @nestjs/passport tests itself, against one real
 * FalkorDB server.
 */
describe('embedded in a host application (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  describe.each(MATRIX)('%s on %s', (style, adapter) => {
    const tokenGraph = `host_tokens_${style.replace(/\W+/g, '_')}_${adapter}`;
    let host: HostApp;
    let http: Parameters<typeof request>[0];
    const tokens: Partial<Record<keyof typeof TEST_USERS, { token: string; tokenId: string }>> = {};

    const mint = (user: User, extra: Record<string, unknown> = {}) =>
      request(http)
        .post('/v1/pat/tokens/credentials')
        .send({ username: user.username, password: user.password, host: 'localhost', port: String(server.port), name: `${user.username} in host`, ttlSeconds: 3600, ...extra });

    /**
     * Our routes answer application/problem+json (our filter); the host's own routes have no filter of
     * ours, and Nest's default one sends the same problem body as application/json.
     */
    const expectProblem = (response: request.Response, status: number, code: string, route: 'ours' | 'host' = 'host') => {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(route === 'ours' ? /^application\/problem\+json/ : /^application\/json/);
      expect(response.body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
      expect(response.body.message).toBe(response.body.detail);
    };

    beforeAll(async () => {
      host = await createHostApp(style, adapter, hostSettings(server.port, tokenGraph));
      http = host.app.getHttpServer();
      for (const key of ['admin', 'writer', 'reader'] as const) {
        const response = await mint(TEST_USERS[key]).expect(201);
        tokens[key] = response.body;
      }
    });

    afterAll(async () => {
      await host?.close();
    });

    it('mounts the tokens API under the host prefix /v1/pat, not under /api/auth', async () => {
      const listed = await request(http).get('/v1/pat/tokens').set(...bearer(tokens.admin!.token)).expect(200);
      expect(listed.body.role).toBe('Admin');
      expect(listed.body.tokens.map((t: { token_id: string }) => t.token_id)).toEqual(
        expect.arrayContaining([tokens.admin!.tokenId, tokens.writer!.tokenId, tokens.reader!.tokenId]),
      );
      await request(http).get('/api/auth/tokens').set(...bearer(tokens.admin!.token)).expect(404);
      await request(http).post('/api/auth/tokens/credentials').send({}).expect(404);
    });

    it("stores tokens through the host's own FalkorDB client, in the graph the host configured", async () => {
      const hostClient: FalkorDB = host.ownClient ?? host.app.get(HOST_FALKORDB, { strict: false });
      expect(host.app.get(FalkorDbConnection, { strict: false }).falkordb).toBe(hostClient);
      expect(await hostClient.list()).toContain(tokenGraph);
      expect(await server.command(['GRAPH.LIST'])).toContain(tokenGraph);
    });

    it("applies the host's options: its issuer, its lifetime limit, no never-expiring tokens", async () => {
      expect(claimsOf(tokens.admin!.token).iss).toBe('host-app');
      const tooLong = await mint(TEST_USERS.writer, { ttlSeconds: 8 * 24 * 3600 });
      expectProblem(tooLong, 400, 'VALIDATION_FAILED', 'ours');
      const neverExpiring = await mint(TEST_USERS.writer, { ttlSeconds: undefined });
      expectProblem(neverExpiring, 400, 'VALIDATION_FAILED', 'ours');
    });

    it('answers validation errors with problem+json naming the field', async () => {
      const response = await mint(TEST_USERS.admin, { name: '', port: 'not-a-port' });
      expectProblem(response, 400, 'VALIDATION_FAILED', 'ours');
      expect(Object.keys(response.body.errors).sort()).toEqual(['name', 'port']);
    });

    describe("the host's own controller behind JwtAuthGuard + RolesGuard + @Roles('Admin')", () => {
      it('lets an Admin PAT in', async () => {
        const response = await request(http).get('/v1/admin/report').set(...bearer(tokens.admin!.token)).expect(200);
        expect(response.body).toEqual({ report: 'all systems nominal', requestedBy: TEST_USERS.admin.username, role: 'Admin' });
      });

      it('refuses a Read-Write PAT with 403', async () => {
        const response = await request(http).get('/v1/admin/report').set(...bearer(tokens.writer!.token));
        expectProblem(response, 403, 'FORBIDDEN');
        expect(response.body.detail).toMatch(/requires the role Admin/);
      });

      it('refuses a request without a token with 401 and a Bearer challenge', async () => {
        const response = await request(http).get('/v1/admin/report');
        expectProblem(response, 401, 'AUTHENTICATION_REQUIRED');
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      });

      it('refuses a forged token with 401 invalid_token', async () => {
        const response = await request(http).get('/v1/admin/report').set(...bearer(`${tokens.admin!.token}x`));
        expectProblem(response, 401, 'INVALID_TOKEN');
        expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      });

      it('lets any role in where no @Roles() is given', async () => {
        const response = await request(http).get('/v1/admin/me').set(...bearer(tokens.reader!.token)).expect(200);
        expect(response.body).toEqual({ username: TEST_USERS.reader.username, role: 'Read-Only', kind: 'pat' });
      });
    });

    it('runs a graph query through the Graph API mounted under /v1/graph', async () => {
      const response = await request(http)
        .post('/v1/graph/host_demo/query')
        .set(...bearer(tokens.writer!.token))
        .send({ query: 'CREATE (n:Note {text: $text}) RETURN n.text AS text', params: { text: `${style} ${adapter}` } })
        .expect(200);
      expect(response.body).toMatchObject({ columns: ['text'], rows: [[`${style} ${adapter}`]] });
    });

    it('gets and revokes a token under /v1/pat; the revoked token is refused on the next request', async () => {
      const created = (await mint(TEST_USERS.writer, { name: 'to revoke' }).expect(201)).body as { token: string; tokenId: string };
      const fetched = await request(http).get(`/v1/pat/tokens/${created.tokenId}`).set(...bearer(created.token)).expect(200);
      expect(fetched.body.token).toMatchObject({ token_id: created.tokenId, name: 'to revoke', is_active: true });
      const revoked = await request(http).delete(`/v1/pat/tokens/${created.tokenId}`).set(...bearer(created.token)).expect(200);
      expect(revoked.body).toEqual({ message: 'Token revoked successfully', tokenId: created.tokenId });
      expectProblem(await request(http).get('/v1/admin/me').set(...bearer(created.token)), 401, 'INVALID_TOKEN');
    });

    it('logs in under /v1/pat with the host cookie name, mints a token with the session and logs out', async () => {
      const login = await request(http)
        .post('/v1/pat/login')
        .send({ username: TEST_USERS.admin.username, password: TEST_USERS.admin.password, host: 'localhost', port: server.port })
        .expect(200);
      expect(login.body).toMatchObject({ username: TEST_USERS.admin.username, role: 'Admin' });
      const setCookie = ([] as string[]).concat(login.headers['set-cookie'] as unknown as string[] | string);
      expect(setCookie[0]).toMatch(/^host_session=[^;]+; Path=\/;.*HttpOnly; SameSite=Strict/);
      const cookie = setCookie[0].split(';')[0];

      // A browser sends its Origin: the same site's is accepted, another site's is refused (CSRF).
      const sameSite = { Cookie: cookie, Host: 'app.host.test', Origin: 'http://app.host.test' };
      const crossSite = await request(http).post('/v1/pat/tokens').set({ ...sameSite, Origin: 'http://evil.test' }).send({ name: 'csrf' });
      expectProblem(crossSite, 403, 'FORBIDDEN', 'ours');
      const minted = await request(http).post('/v1/pat/tokens').set(sameSite).send({ name: 'from session', ttlSeconds: 600 }).expect(201);
      expect(claimsOf(minted.body.token as string).typ).toBe('pat');
      await request(http).get('/v1/admin/report').set('Cookie', cookie).expect(200);

      await request(http).post('/v1/pat/logout').set(sameSite).expect(204);
      expectProblem(await request(http).get('/v1/admin/me').set('Cookie', cookie), 401, 'INVALID_TOKEN');
    });
  });
});

describe('the host owns its FalkorDB client (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
  });

  afterAll(async () => {
    await server?.destroy();
  });

  it.each(HTTP_ADAPTERS)('on %s, closing the application leaves the client given to FalkorDbModule open', async (adapter) => {
    const host = await createHostApp('forRoot', adapter, hostSettings(server.port, `host_owned_${adapter}`));
    await host.app.close();
    // Our FalkorDbModule did not close it: the host can still use it, and closes it itself.
    await expect(host.ownClient!.list()).resolves.toContain(`host_owned_${adapter}`);
    await host.ownClient!.close();
  });
});
