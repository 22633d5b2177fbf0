import request from 'supertest';
import { bearer, mintToken } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

/** The store is a real FalkorDB process that these tests stop and start. */
describe('restarts and outages (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url });
    dataDir = app.dataDir;
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  it('keeps tokens and revocations across a restart of the service and of FalkorDB', async () => {
    const kept = await mintToken(app, TEST_USERS.writer, server.port, { name: 'kept' });
    const revoked = await mintToken(app, TEST_USERS.writer, server.port, { name: 'revoked' });
    await request(app.http).delete(`/api/auth/tokens/${revoked.tokenId}`).set(...bearer(kept.token)).expect(200);

    await app.close();
    await server.stop();
    await server.startAgain();
    app = await startTestApp({ FALKORDB_URL: server.url });

    const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(kept.token)).expect(200);
    const names = listed.body.tokens.map((t: { name: string }) => t.name);
    expect(names).toContain('kept');
    expect(names).not.toContain('revoked');
    await request(app.http).get('/api/auth/tokens').set(...bearer(revoked.token)).expect(401);
    expect(dataDir).toBeTruthy();
  });

  it('fails closed with 503 while FalkorDB is down, and recovers by itself when it returns', async () => {
    const { token } = await mintToken(app, TEST_USERS.admin, server.port);
    await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200);

    await server.stop();
    try {
      const started = Date.now();
      const down = await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(503);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(down.headers['retry-after']).toBe('5');
      expect(down.body).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' });
      // Minting cannot reach FalkorDB either: 503, not 401 or 500.
      const mint = await request(app.http)
        .post('/api/auth/tokens/credentials')
        .send({ ...TEST_USERS.admin, role: undefined, name: 'while down' })
        .expect(503);
      expect(mint.body.status).toBe(503);
    } finally {
      await server.startAgain();
    }

    // The service reconnects on its own; poll (bounded) until it does.
    const listed = async () => (await request(app.http).get('/api/auth/tokens').set(...bearer(token))).status;
    await until(async () => (await listed()) === 200, 10_000, 'the service to reconnect');
  });
});
