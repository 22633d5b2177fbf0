import request from 'supertest';
import { bearer, logIn, mintToken, SAME_ORIGIN } from './support/api';
import { fakeDateOnly } from './support/clock';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp } from './support/test-app';

const CAP = 3;

describe('the per-user cap on active tokens (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url, TOKEN_MAX_ACTIVE_PER_USER: String(CAP) });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  afterEach(() => vi.useRealTimers());

  const activeIdsOf = async (token: string): Promise<string[]> => {
    const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200);
    return (listed.body.tokens as { token_id: string }[]).map((t) => t.token_id);
  };

  const mintOverCap = (user: { username: string; password: string }, extra: Record<string, unknown> = {}) =>
    request(app.http)
      .post('/api/auth/tokens/credentials')
      .send({ username: user.username, password: user.password, host: 'localhost', port: server.port, name: 'over the cap', ...extra });

  it('refuses the token past the cap with 409, stores nothing, and frees a place on revoke', async () => {
    const held = [];
    for (let i = 0; i < CAP; i += 1) held.push(await mintToken(app, TEST_USERS.writer, server.port, { name: `held ${i}` }));

    const refused = await mintOverCap(TEST_USERS.writer).expect(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(refused.body.detail).toBe(`User pat_writer already holds the maximum of ${CAP} active tokens on this server; revoke one first`);
    expect(refused.body.token).toBeUndefined();
    expect((await activeIdsOf(held[0].token)).sort()).toEqual(held.map((t) => t.tokenId).sort());

    // Another user's tokens are counted apart.
    const readerToken = await mintToken(app, TEST_USERS.reader, server.port);

    await request(app.http).delete(`/api/auth/tokens/${held[2].tokenId}`).set(...bearer(held[0].token)).expect(200);
    const replacement = await mintToken(app, TEST_USERS.writer, server.port, { name: 'replacement' });
    await mintOverCap(TEST_USERS.writer).expect(409);
    expect((await activeIdsOf(held[0].token)).sort()).toEqual([held[0].tokenId, held[1].tokenId, replacement.tokenId].sort());

    for (const token of [...held.slice(0, 2), replacement]) {
      await request(app.http).delete(`/api/auth/tokens/${token.tokenId}`).set(...bearer(token.token)).expect(200);
    }
    await request(app.http).delete(`/api/auth/tokens/${readerToken.tokenId}`).set(...bearer(readerToken.token)).expect(200);
  });

  it('does not count expired tokens (fake clock)', async () => {
    const shortLived = [];
    for (let i = 0; i < CAP; i += 1) shortLived.push(await mintToken(app, TEST_USERS.reader, server.port, { ttlSeconds: 60 }));
    await mintOverCap(TEST_USERS.reader).expect(409);
    fakeDateOnly(Date.now() + 61_000);
    const fresh = await mintToken(app, TEST_USERS.reader, server.port, { name: 'after expiry' });
    expect(await activeIdsOf(fresh.token)).toEqual([fresh.tokenId]);
    await request(app.http).delete(`/api/auth/tokens/${fresh.tokenId}`).set(...bearer(fresh.token)).expect(200);
  });

  it('holds under concurrent mints: exactly the cap succeeds, every other request is 409', async () => {
    const cookie = await logIn(app, TEST_USERS.admin, server.port);
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(app.http).post('/api/auth/tokens').set('Cookie', cookie).set(SAME_ORIGIN).send({ name: `race ${i}` }),
      ),
    );
    const statuses = attempts.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array<number>(CAP).fill(201), ...Array<number>(20 - CAP).fill(409)]);
    const minted = attempts.filter((response) => response.status === 201).map((response) => response.body as { token: string; tokenId: string });
    const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(minted[0].token)).expect(200);
    const adminIds = (listed.body.tokens as { token_id: string; username: string }[])
      .filter((t) => t.username === TEST_USERS.admin.username)
      .map((t) => t.token_id);
    expect(adminIds.sort()).toEqual(minted.map((t) => t.tokenId).sort());
  });

  it('counts through an index on the token owner, not a scan of every stored token', async () => {
    const query = "CALL db.indexes() YIELD label, properties UNWIND properties AS property RETURN label + '.' + property";
    const reply = (await server.command(['GRAPH.QUERY', 'token_management', query])) as unknown[][];
    const indexed = (reply[1] as [string][]).map(([name]) => name);
    expect(indexed).toEqual(expect.arrayContaining(['Token.token_id', 'Token.token_hash', 'Token.username', 'User.user_id', 'Session.session_id']));
  });
});
