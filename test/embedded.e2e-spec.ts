import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bearer } from './support/api';
import { EmbeddedFalkorDb } from '../src/falkordb/embedded-falkordb';
import { freePort } from './support/free-port';
import { sendToServer } from './support/server-command';
import { startTestApp, TestApp } from './support/test-app';

/** The Quick start path: no FALKORDB_URL, no secrets: an embedded FalkorDB and generated dev secrets. */
describe('embedded FalkorDB default (e2e)', () => {
  let dataDir: string;
  let port: number;
  let app: TestApp | undefined;
  const env = () => ({
    FALKORDB_URL: undefined,
    FALKORDB_EMBEDDED_PORT: String(port),
    JWT_SECRET: undefined,
    SESSION_SECRET: undefined,
    ENCRYPTION_KEY: undefined,
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pat-embedded-'));
    port = await freePort();
  });

  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the curl walk-through against its own FalkorDB and keeps tokens across restarts', async () => {
    app = await startTestApp(env(), dataDir);
    const created = await request(app.http)
      .post('/api/auth/tokens/credentials')
      .send({ username: 'default', password: '', host: 'localhost', port: String(port), tls: 'false', name: 'My API Token', ttlSeconds: 2592000 })
      .expect(201);
    const { token, tokenId } = created.body as { token: string; tokenId: string };
    const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(token)).expect(200);
    expect(listed.body.tokens[0]).toMatchObject({ token_id: tokenId, host: 'localhost', port, username: 'default', role: 'Admin' });

    const secretsFile = join(dataDir, 'secrets.json');
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const secrets = await readFile(secretsFile, 'utf8');

    await app.close();
    app = await startTestApp(env(), dataDir);
    expect(await readFile(secretsFile, 'utf8')).toBe(secrets);
    const again = await request(app.http).get(`/api/auth/tokens/${tokenId}`).set(...bearer(token)).expect(200);
    expect(again.body.token.is_active).toBe(true);
    // The tokens live on the store's own server (its own data folder), isolated from the users' one.
    const ready = await request(app.http).get('/health/ready').expect(200);
    expect(ready.body.tokenStore).toBe('isolated');
    expect((await stat(join(dataDir, 'token-store', 'appendonlydir'))).isDirectory()).toBe(true);
  });

  it('mints without host and port (the README walk-through) on whatever port the embedded server has', async () => {
    app ??= await startTestApp(env(), dataDir);
    const created = await request(app.http)
      .post('/api/auth/tokens/credentials')
      .send({ username: 'default', password: '', name: 'walk-through without host and port', ttlSeconds: 3600 })
      .expect(201);
    const { token, tokenId } = created.body as { token: string; tokenId: string };
    const shown = await request(app.http).get(`/api/auth/tokens/${tokenId}`).set(...bearer(token)).expect(200);
    expect(shown.body.token).toMatchObject({ host: 'localhost', port, is_active: true });
  });

  it('keeps tokens minted before FALKORDB_EMBEDDED_PORT moved working, under the name the server first had', async () => {
    const movedDir = await mkdtemp(join(tmpdir(), 'pat-moved-'));
    const [first, moved] = [await freePort(), await freePort()];
    const embeddedOn = (embeddedPort: number) => startTestApp({ ...env(), FALKORDB_EMBEDDED_PORT: String(embeddedPort) }, movedDir);
    const mint = async (on: TestApp, name: string) =>
      (await request(on.http).post('/api/auth/tokens/credentials').send({ username: 'default', password: '', name, ttlSeconds: 3600 }).expect(201)).body as { token: string; tokenId: string };
    let before = await embeddedOn(first);
    try {
      const old = await mint(before, 'minted on the first port');
      await request(before.http).post('/api/graph/moved/query').set(...bearer(old.token)).send({ query: 'CREATE (:Kept {n: 1})' }).expect(200);
      await before.close();

      before = await embeddedOn(moved);
      // The same server, on its new port: the old token reads what it wrote there.
      const read = await request(before.http).post('/api/graph/moved/query').set(...bearer(old.token)).send({ query: 'MATCH (k:Kept) RETURN k.n AS n' }).expect(200);
      expect(read.body.rows).toEqual([[1]]);
      // The walk-through naming the new port, and one naming none, mint tokens owned as the old ones.
      const named = (await request(before.http).post('/api/auth/tokens/credentials').send({ username: 'default', password: '', host: 'localhost', port: String(moved), name: 'named port' }).expect(201)).body as { token: string };
      const fresh = await mint(before, 'minted after the move');
      const listed = await request(before.http).get('/api/auth/tokens').set(...bearer(fresh.token)).expect(200);
      expect(listed.body.tokens.map((token: { name: string; host: string; port: number }) => [token.name, token.host, token.port]).sort()).toEqual(
        [['minted after the move', 'localhost', first], ['minted on the first port', 'localhost', first], ['named port', 'localhost', first]].sort(),
      );
      await request(before.http).get('/api/auth/tokens/self').set(...bearer(named.token)).expect(200);
      // The old port now leads nowhere: nothing is ever sent to whatever listens there.
      await request(before.http).post('/api/auth/tokens/credentials').send({ username: 'default', password: '', host: 'localhost', port: String(first), name: 'old port' }).expect(400);
    } finally {
      await before.close();
      await rm(movedDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('moves a token store kept on the users\' server by an earlier version to its own server, and its tokens keep working', async () => {
    const earlierDir = await mkdtemp(join(tmpdir(), 'pat-earlier-'));
    const usersPort = await freePort();
    try {
      // As the version before isolation ran: the store graph on the embedded users' server itself.
      const usersServer = await EmbeddedFalkorDb.start({ dataDir: join(earlierDir, 'falkordb'), port: usersPort });
      let earlier: TestApp | undefined = await startTestApp({ FALKORDB_URL: `redis://localhost:${usersPort}` }, earlierDir);
      const created = await request(earlier.http).post('/api/auth/tokens/credentials').send({ username: 'default', password: '', name: 'from before' }).expect(201);
      const { token, tokenId } = created.body as { token: string; tokenId: string };
      await earlier.close();
      earlier = undefined;
      await usersServer.stop();

      const upgraded = await startTestApp({ FALKORDB_EMBEDDED_PORT: String(usersPort) }, earlierDir);
      try {
        const again = await request(upgraded.http).get(`/api/auth/tokens/${tokenId}`).set(...bearer(token)).expect(200);
        expect(again.body.token).toMatchObject({ token_id: tokenId, is_active: true, port: usersPort });
        // Gone from the users' server: its users no longer find hashes or sealed passwords there.
        expect(await sendToServer(usersPort, ['EXISTS', 'token_management'])).toBe(0);
      } finally {
        await upgraded.close();
      }
    } finally {
      await rm(earlierDir, { recursive: true, force: true });
    }
  });
});
