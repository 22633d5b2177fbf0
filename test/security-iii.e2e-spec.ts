import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bearer, logIn, mintToken, SAME_ORIGIN } from './support/api';
import { fakeDateOnly } from './support/clock';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { freePort } from './support/free-port';
import { sendToServer, ServerLogin } from './support/server-command';
import { startTestApp, TestApp, TEST_SECRETS } from './support/test-app';
import { until } from './support/until';
import { KeyedMac } from '../src/credentials/crypto/keyed-mac';
import { EmbeddedFalkorDb } from '../src/falkordb/embedded-falkordb';

/**
 * Issue 21: what an ordinary FalkorDB account could do to the guard's state, each attack performed
 * exactly as reported, and what it gains now (nothing), plus the isolation that puts the store out
 * of such accounts' reach by default.
 */
const GRAPH = 'token_management';
const writer: ServerLogin = { username: TEST_USERS.writer.username, password: TEST_USERS.writer.password };

/** A Cypher write on the store graph as the attacker (a Read-Write user with `~*`): parameters in the CYPHER prefix. */
function asAttacker(port: number, cypher: string, params: Record<string, string> = {}, login: ServerLogin = writer): Promise<unknown> {
  const prefix = Object.entries(params)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(' ');
  return sendToServer(port, ['GRAPH.QUERY', GRAPH, prefix ? `CYPHER ${prefix} ${cypher}` : cypher], login);
}

async function storedMac(port: number, tokenId: string): Promise<unknown> {
  const reply = (await sendToServer(port, ['GRAPH.RO_QUERY', GRAPH, `CYPHER id=${JSON.stringify(tokenId)} MATCH (t:Token {token_id: $id}) RETURN t.mac`])) as unknown[][];
  return (reply[1] as unknown[][])[0]?.[0];
}

describe('Security III: the guard\'s state out of the reach of the users it guards (e2e, real FalkorDB)', () => {
  afterEach(() => vi.useRealTimers());

  describe('a store on the users\' own FalkorDB, which a Read-Write user with ~* can write', () => {
    let server: FalkorDbTestServer;

    beforeAll(async () => {
      server = await FalkorDbTestServer.start();
    });

    afterAll(async () => {
      await server?.destroy();
    });

    const start = (env: Record<string, string> = {}) => startTestApp({ FALKORDB_URL: server.url, ...env });

    it('1. signs nothing a writer forged: an edited owner, an un-revoked and a widened token stay refused across restarts', async () => {
      let app = await start();
      const admin = await mintToken(app, TEST_USERS.admin, server.port);
      const own = await mintToken(app, TEST_USERS.writer, server.port);
      const revoked = await mintToken(app, TEST_USERS.writer, server.port);
      const restricted = await mintToken(app, TEST_USERS.writer, server.port, { permissions: { graphs: ['sales_*'] }, allowedIps: ['10.0.0.0/8'] });
      await request(app.http).delete(`/api/auth/tokens/${revoked.tokenId}`).set(...bearer(revoked.token)).expect(200);

      // The attack: the writer's token now names the admin, the revoked one is active again, the
      // restricted one unrestricted, each without a MAC; and the store says it predates MACs.
      await asAttacker(server.port, "MATCH (t:Token {token_id: $id}) SET t.username = $admin, t.role = 'Admin', t.mac = null", {
        id: own.tokenId,
        admin: TEST_USERS.admin.username,
      });
      await asAttacker(server.port, 'MATCH (t:Token {token_id: $id}) SET t.revoked = false, t.revoked_at = null, t.mac = null', { id: revoked.tokenId });
      await asAttacker(server.port, 'MATCH (t:Token {token_id: $id}) SET t.graphs = null, t.allowed_ips = null, t.mac = null', { id: restricted.tokenId });
      await asAttacker(server.port, "MERGE (m:StoreMeta {key: 'schema'}) SET m.version = 1");

      await app.close();
      app = await start(); // a restart signs nothing it finds in the store
      try {
        await request(app.http).get('/api/auth/tokens').set(...bearer(own.token)).expect(401);
        await request(app.http).get(`/api/auth/tokens/${admin.tokenId}`).set(...bearer(own.token)).expect(401);
        await request(app.http).post('/api/graph/social/query').set(...bearer(own.token)).send({ query: 'RETURN 1' }).expect(401);
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(revoked.token)).expect(401);
        await request(app.http).get('/api/graph').set(...bearer(restricted.token)).expect(401);
        for (const token of [own, revoked, restricted]) expect(await storedMac(server.port, token.tokenId)).toBeNull();
        // The admin's own token is untouched.
        await request(app.http).get('/api/auth/tokens').set(...bearer(admin.token)).expect(200);
      } finally {
        await app.close();
      }
    });

    it('2. ignores a forged Admin confirmation: a demoted admin is Read-Write once the 30 s recheck comes', async () => {
      const boss = { username: 'pat_boss', password: 'boss-secret-pw' };
      await server.command(['ACL', 'SETUSER', boss.username, 'on', `>${boss.password}`, '~*', '&*', '+@all']);
      const app = await start();
      try {
        const other = await mintToken(app, TEST_USERS.admin, server.port);
        const bossToken = await mintToken(app, boss, server.port);
        const t0 = Date.now();
        fakeDateOnly(t0);
        // Confirmed Admin once (and shared with every instance through the store's server).
        await request(app.http).get(`/api/auth/tokens/${other.tokenId}`).set(...bearer(bossToken.token)).expect(200);
        await request(app.http).get(`/api/auth/tokens/${bossToken.tokenId}`).set(...bearer(other.token)).expect(200);

        // Demoted in the ACL; the writer plants a confirmation that says Admin for ever, and another
        // that copies the genuine (MACed) confirmation of the other admin's token onto this one.
        await server.command(['ACL', 'SETUSER', boss.username, '-@admin', '-@dangerous']);
        const key = (tokenId: string) => `falkordb-pat:${GRAPH}:admin-role:${tokenId}`;
        await sendToServer(server.port, ['SET', key(bossToken.tokenId), JSON.stringify({ role: 'Admin', until: 9_999_999_999_999 }), 'PX', '999999999'], writer);
        vi.setSystemTime(t0 + 31_000);
        const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(bossToken.token)).expect(200);
        expect(listed.body.role).toBe('Read-Write');
        await request(app.http).get(`/api/auth/tokens/${other.tokenId}`).set(...bearer(bossToken.token)).expect(404);

        // A genuine confirmation of the other admin's token, renewed now: MACed, but for its own key.
        vi.setSystemTime(t0 + 50_000);
        await request(app.http).get(`/api/auth/tokens/${bossToken.tokenId}`).set(...bearer(other.token)).expect(200);
        const genuine = (await sendToServer(server.port, ['GET', key(other.tokenId)])) as string;
        expect(JSON.parse(genuine)).toMatchObject({ role: 'Admin', mac: expect.any(String) });
        await sendToServer(server.port, ['SET', key(bossToken.tokenId), genuine, 'PX', '999999999'], writer);
        vi.setSystemTime(t0 + 62_000);
        const again = await request(app.http).get('/api/auth/tokens').set(...bearer(bossToken.token)).expect(200);
        expect(again.body.role).toBe('Read-Write');
      } finally {
        await app.close();
        await server.command(['ACL', 'DELUSER', boss.username]);
      }
    });

    it('3. never lets a restricted token rotate or revoke another token, an admin\'s included', async () => {
      const app = await start();
      try {
        const open = await mintToken(app, TEST_USERS.writer, server.port);
        const byGraphs = await mintToken(app, TEST_USERS.writer, server.port, { permissions: { graphs: ['sales_*'] } });
        const byAddress = await mintToken(app, TEST_USERS.writer, server.port, { allowedIps: ['127.0.0.0/8', '::1'] });
        const adminByGraphs = await mintToken(app, TEST_USERS.admin, server.port, { permissions: { graphs: ['sales_*'] } });
        for (const restricted of [byGraphs, byAddress, adminByGraphs]) {
          const rotated = await request(app.http).post(`/api/auth/tokens/${open.tokenId}/rotate`).set(...bearer(restricted.token)).send({}).expect(403);
          expect(rotated.body).toMatchObject({ code: 'FORBIDDEN' });
          await request(app.http).delete(`/api/auth/tokens/${open.tokenId}`).set(...bearer(restricted.token)).expect(403);
        }
        await request(app.http).delete('/api/auth/tokens').query({ username: TEST_USERS.writer.username }).set(...bearer(adminByGraphs.token)).expect(403);
        await request(app.http).delete('/api/auth/tokens').set(...bearer(byAddress.token)).expect(403);
        // The token it tried to widen itself with is still the writer's, active and unchanged.
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(open.token)).expect(200);
        // A restricted token still rotates itself, into a token exactly as restricted.
        const renewed = await request(app.http).post(`/api/auth/tokens/${byGraphs.tokenId}/rotate`).set(...bearer(byGraphs.token)).send({}).expect(201);
        const self = await request(app.http).get('/api/auth/tokens/self').set(...bearer(renewed.body.token)).expect(200);
        expect(self.body.token.permissions.graphs).toEqual(['sales_*']);
        // Sessions and unrestricted tokens manage the user's other tokens as before.
        const cookie = await logIn(app, TEST_USERS.writer, server.port);
        await request(app.http).post(`/api/auth/tokens/${byAddress.tokenId}/rotate`).set('Cookie', cookie).set(SAME_ORIGIN).send({}).expect(201);
        await request(app.http).post(`/api/auth/tokens/${renewed.body.tokenId}/rotate`).set(...bearer(open.token)).send({}).expect(201);
      } finally {
        await app.close();
      }
    });

    it('4. stops trusting remembered reads at once when SWAPDB replaces the store, and trusts the store again when it comes back', async () => {
      const app = await start();
      try {
        const token = await mintToken(app, TEST_USERS.writer, server.port);
        // Read twice: the second is answered from memory (the store unchanged since).
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token)).expect(200);
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token)).expect(200);
        await server.command(['SWAPDB', '0', '1']);
        const swapped = await request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token));
        expect([401, 503]).toContain(swapped.status);
        await server.command(['SWAPDB', '0', '1']);
        await until(
          async () => (await request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token))).status === 200,
          10_000,
          'the token to authenticate again once the store is back',
        );
      } finally {
        await app.close();
      }
    });

    it('5. answers 503 (never 500) once a writer deletes the store graph, and serves again without a restart', async () => {
      const app = await start();
      try {
        const before = await mintToken(app, TEST_USERS.writer, server.port);
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(before.token)).expect(200);
        await sendToServer(server.port, ['GRAPH.DELETE', GRAPH], writer);
        const missing = await request(app.http).get('/api/auth/tokens/self').set(...bearer(before.token)).expect(503);
        expect(missing.body).toMatchObject({ code: 'STORE_UNAVAILABLE' });
        expect(missing.headers['retry-after']).toBeDefined();
        await until(async () => (await request(app.http).get('/api/auth/tokens/self').set(...bearer(before.token))).status === 401, 10_000, 'the store to be recreated');
        const after = await mintToken(app, TEST_USERS.writer, server.port);
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(after.token)).expect(200);
        // Flushed by an admin: the same.
        await server.command(['FLUSHALL']);
        const flushed = await request(app.http).get('/api/auth/tokens/self').set(...bearer(after.token));
        expect([401, 503]).toContain(flushed.status);
        const credentials = { username: TEST_USERS.writer.username, password: TEST_USERS.writer.password, name: 'again' };
        await until(async () => (await request(app.http).post('/api/auth/tokens/credentials').send(credentials)).status === 201, 10_000, 'minting to work again');
        await request(app.http).get('/health/ready').expect(200);
      } finally {
        await app.close();
      }
    });

    it('6. drops a revocation notice larger than any real one before parsing it, even one with a valid MAC', async () => {
      const app = await start();
      try {
        const kept = await mintToken(app, TEST_USERS.writer, server.port);
        const control = await mintToken(app, TEST_USERS.writer, server.port);
        const mac = new KeyedMac(TEST_SECRETS.ENCRYPTION_KEY, 'falkordb-pat revocation notice v1', 'n1');
        const notice = (tokenId: string) => {
          const owner = { username: TEST_USERS.writer.username, host: 'localhost', port: server.port };
          return JSON.stringify({ v: 1, kind: 'pat', ids: [tokenId], owner, mac: mac.sign([1, 'pat', [tokenId], owner.username, owner.host, owner.port]) });
        };
        const channel = `falkordb-pat:${GRAPH}:revocations`;
        // A user with no access to the token graph, or to any key: only PUBLISH on channels.
        const publisher = { username: 'pat_publisher', password: 'publisher-secret-pw' };
        await server.command(['ACL', 'SETUSER', publisher.username, 'on', `>${publisher.password}`, 'resetkeys', '&*', '+publish']);
        // 8 MB of it.
        await sendToServer(server.port, ['PUBLISH', channel, notice(kept.tokenId) + ' '.repeat(8 * 1024 * 1024)], publisher);
        // A real-sized notice after it shows the channel is heard (and that the large one was handled first).
        await sendToServer(server.port, ['PUBLISH', channel, notice(control.tokenId)], publisher);
        await until(async () => (await request(app.http).get('/api/auth/tokens/self').set(...bearer(control.token))).status === 401, 10_000, 'the real notice to be heard');
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(kept.token)).expect(200);
      } finally {
        await app.close();
      }
    });

    it('7. never remembers a refused server as a lower role: an admin is Admin again as soon as the server is allowed again', async () => {
      const first = await start();
      const admin = await mintToken(first, TEST_USERS.admin, server.port);
      const t0 = Date.now();
      fakeDateOnly(t0);
      await request(first.http).get('/api/auth/tokens').set(...bearer(admin.token)).expect(200);
      await first.close();

      // The server is dropped from the allow-list (the embedded port moved, say) past the recheck interval.
      vi.setSystemTime(t0 + 31_000);
      const elsewhere = await start({ FALKORDB_ALLOWED_SERVERS: 'localhost:1' });
      try {
        const refused = await request(elsewhere.http).get('/api/auth/tokens').set(...bearer(admin.token));
        expect(refused.status).toBe(403);
        await request(elsewhere.http).delete('/api/auth/tokens/1700000000000-00000000').set(...bearer(admin.token)).expect(403);
      } finally {
        await elsewhere.close();
      }

      const back = await start();
      try {
        const listed = await request(back.http).get('/api/auth/tokens').set(...bearer(admin.token)).expect(200);
        expect(listed.body.role).toBe('Admin');
      } finally {
        await back.close();
      }
    });

    it('refuses to start in production while users other than admins can write the store, naming the fix; TOKEN_STORE_EXPOSURE=accept starts', async () => {
      const production = { NODE_ENV: 'production', HOST: '127.0.0.1' };
      const refused = start(production);
      await expect(refused).rejects.toThrow(/pat_writer/);
      await expect(refused).rejects.toThrow(/TOKEN_STORE_URL/);
      await expect(refused).rejects.toThrow(/TOKEN_STORE_EXPOSURE=accept/);
      const accepted = await start({ ...production, TOKEN_STORE_EXPOSURE: 'accept' });
      try {
        const ready = await request(accepted.http).get('/health/ready').expect(200);
        expect(ready.body.tokenStore).toBe('exposed');
      } finally {
        await accepted.close();
      }
    });

    /** A FalkorDB for the store alone, whose only user (default, an admin) has a password. */
    async function separateStore(name: string): Promise<{ store: EmbeddedFalkorDb; url: string; admin: ServerLogin }> {
      const store = await EmbeddedFalkorDb.start({ dataDir: join(server.dataDir, name), port: await freePort() });
      const admin = { username: 'default', password: 'store-admin-secret-pw' };
      await sendToServer(store.port, ['ACL', 'SETUSER', 'default', 'on', 'resetpass', `>${admin.password}`]);
      return { store, url: `redis://default:${admin.password}@127.0.0.1:${store.port}`, admin };
    }

    it('counts every way to change the store as writing it (a user with only DEL, an admin without a password), and leaves disabled users out', async () => {
      const { store, url: storeUrl, admin: storeAdmin } = await separateStore('probed-store');
      const production = { NODE_ENV: 'production', HOST: '127.0.0.1', TOKEN_STORE_URL: storeUrl };
      try {
        await sendToServer(store.port, ['ACL', 'SETUSER', 'cache', 'on', '>cache-secret-pw', '~*', '+get', '+set', '+del'], storeAdmin);
        await expect(start(production)).rejects.toThrow(/\(cache\)/);
        await sendToServer(store.port, ['ACL', 'SETUSER', 'cache', 'off'], storeAdmin);
        await sendToServer(store.port, ['ACL', 'SETUSER', 'boss', 'on', 'nopass', '~*', '&*', '+@all'], storeAdmin);
        await expect(start(production)).rejects.toThrow(/boss \(an admin without a password\)/);
        await sendToServer(store.port, ['ACL', 'DELUSER', 'boss'], storeAdmin);
        const app = await start(production);
        try {
          expect((await request(app.http).get('/health/ready').expect(200)).body.tokenStore).toBe('isolated');
        } finally {
          await app.close();
        }
      } finally {
        await store.stop();
      }
    });

    it('starts in production with the store on a FalkorDB of its own (TOKEN_STORE_URL), which users cannot log in to', async () => {
      const { store, url: storeUrl } = await separateStore('separate-store');
      try {
        await expect(start({ TOKEN_STORE_URL: storeUrl, FALKORDB_ALLOWED_SERVERS: `localhost:${server.port},127.0.0.1:${store.port}` })).rejects.toThrow(
          /token store's own server/,
        );
        const app = await start({ NODE_ENV: 'production', HOST: '127.0.0.1', TOKEN_STORE_URL: storeUrl });
        try {
          const ready = await request(app.http).get('/health/ready').expect(200);
          expect(ready.body.tokenStore).toBe('isolated');
          const token = await mintToken(app, TEST_USERS.writer, server.port);
          await request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token)).expect(200);
          await request(app.http)
            .post('/api/auth/tokens/credentials')
            .send({ username: 'default', password: '', host: '127.0.0.1', port: store.port, name: 'into the store' })
            .expect(400);
        } finally {
          await app.close();
        }
      } finally {
        await store.stop();
      }
    });
  });

  describe('the embedded default: the store on a FalkorDB of its own that no user reaches', () => {
    let app: TestApp;
    let usersPort: number;
    let dataDir: string;
    const storeDir = () => join(dataDir, 'token-store');
    const storeSocket = () => join(storeDir(), 'falkordb.sock');

    async function startEmbedded(): Promise<void> {
      app = await startTestApp({ FALKORDB_EMBEDDED_PORT: String(usersPort) }, dataDir);
      // ACL users live in the users' server's memory: created again at each start.
      await sendToServer(usersPort, ['ACL', 'SETUSER', writer.username as string, 'on', `>${writer.password}`, '~*', '&*', '+@all', '-@admin', '-@dangerous']);
    }

    beforeAll(async () => {
      usersPort = await freePort();
      dataDir = await mkdtemp(join(tmpdir(), 'pat-isolated-'));
      await startEmbedded();
    });

    afterAll(async () => {
      await app?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('reports the store isolated and keeps it out of every user\'s reach: not on their server, no password they know, no login', async () => {
      const ready = await request(app.http).get('/health/ready').expect(200);
      expect(ready.body.tokenStore).toBe('isolated');
      const token = await mintToken(app, TEST_USERS.writer, usersPort);
      await request(app.http).post('/api/graph/social/query').set(...bearer(token.token)).send({ query: 'RETURN 1' }).expect(200);

      // On the users' server the writer finds no token to edit, roll back or sign.
      const found = (await asAttacker(usersPort, 'MATCH (t:Token) RETURN count(t)')) as unknown[][];
      expect((found[1] as unknown[][])[0][0]).toBe(0);
      await sendToServer(usersPort, ['SET', `falkordb-pat:${GRAPH}:admin-role:${token.tokenId}`, '{"role":"Admin","until":9999999999999}'], writer);
      // The store's server has no TCP port, its socket and folder are the service user's alone, and
      // even through the socket it answers nobody without its password.
      const folder = await stat(storeDir());
      expect(folder.mode & 0o777).toBe(0o700);
      expect((await stat(storeSocket())).mode & 0o077).toBe(0);
      await expect(sendToServer(storeSocket(), ['PING'])).rejects.toThrow(/NOAUTH/);
      await expect(sendToServer(storeSocket(), ['PING'], writer)).rejects.toThrow(/WRONGPASS|NOAUTH|invalid/i);
      await expect(sendToServer(storeSocket(), ['PING'], { username: 'default', password: '' })).rejects.toThrow(/WRONGPASS|NOAUTH|invalid/i);
      const listed = await request(app.http).get('/api/auth/tokens').set(...bearer(token.token)).expect(200);
      expect(listed.body.role).toBe('Read-Write');
    });

    it('never shows the password on the store server\'s command line, listens on no TCP port, and keeps tokens across a restart', async () => {
      const pid = Number((await readFile(join(storeDir(), 'falkordb.pid'), 'utf8')).trim());
      const commandLine = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      expect(commandLine.join(' ')).not.toMatch(/requirepass|masterauth/);
      expect(commandLine.slice(commandLine.indexOf('--port'), commandLine.indexOf('--port') + 2)).toEqual(['--port', '0']);
      expect(commandLine).toContain(storeSocket());

      const token = await mintToken(app, TEST_USERS.writer, usersPort);
      await app.close();
      await startEmbedded();
      await request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token)).expect(200);
    });
  });
});
