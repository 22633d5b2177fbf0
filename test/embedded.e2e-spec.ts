import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bearer } from './support/api';
import { freePort } from './support/free-port';
import { startTestApp, TestApp } from './support/test-app';

/** The Quick start path: no FALKORDB_URL, no secrets: an embedded FalkorDB and generated dev secrets. */
describe('embedded FalkorDB default (e2e)', () => {
  let dataDir: string;
  let port: number;
  let storePort: number;
  let app: TestApp | undefined;
  const env = () => ({
    FALKORDB_URL: undefined,
    FALKORDB_EMBEDDED_PORT: String(port),
    TOKEN_STORE_EMBEDDED_PORT: String(storePort),
    JWT_SECRET: undefined,
    SESSION_SECRET: undefined,
    ENCRYPTION_KEY: undefined,
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pat-embedded-'));
    port = await freePort();
    storePort = await freePort();
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
});
