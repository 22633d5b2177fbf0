import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedFalkorDb } from '../src/falkordb/embedded-falkordb';
import { formatBytes } from '../src/falkordb/embedded/readiness';
import { CapturingLogger } from './support/capturing-logger';
import { freePort } from './support/free-port';
import { connectPlainClient, seedTokens } from './support/seed-tokens';
import { startTestApp, TEST_SECRETS, TestApp } from './support/test-app';
import { until } from './support/until';

const MINTS = 10_000;
const MINT_CONCURRENCY = 20;
const SAMPLES = 50;
const SEEDED = 1_000_000;
const SEEDED_USERS = 1_000;
const MINUTE = 60_000;

interface Minted {
  token: string;
  tokenId: string;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * The store at size, on the token store's own embedded FalkorDB (its AOF, its supervisor): a restart after 10,000
 * API mints and after 1,000,000 seeded tokens comes back with every token, and a kill -9 of the
 * server heals by itself. The tests share one data folder and run in order (each builds on the
 * store the previous one left). Timings are printed for the README, never asserted.
 */
describe('restart at size (embedded FalkorDB, e2e)', () => {
  let dataDir: string;
  let port: number;
  let app: TestApp | undefined;
  let baseUrl = '';
  let logger = new CapturingLogger();
  const minted: Minted[] = [];

  const env = () => ({
    FALKORDB_URL: undefined,
    FALKORDB_EMBEDDED_PORT: String(port),
    TOKEN_MAX_ACTIVE_PER_USER: '20000',
  });
  /** The token store's own embedded server keeps the tokens. */
  const storeDir = () => join(dataDir, 'token-store');

  /** Starts the service on the shared data folder, listening on a free port; returns how long startTestApp took. */
  async function startService(): Promise<number> {
    logger = new CapturingLogger();
    const started = performance.now();
    app = await startTestApp(env(), dataDir, logger);
    const elapsed = performance.now() - started;
    await app.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
    return elapsed;
  }

  async function stopService(): Promise<void> {
    await app?.close();
    app = undefined;
  }

  async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body };
  }

  async function mint(name: string): Promise<Minted> {
    const reply = await call('POST', '/api/auth/tokens/credentials', { body: { username: 'default', password: '', name } });
    if (reply.status !== 201) throw new Error(`mint "${name}" answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return { token: String(reply.body.token), tokenId: String(reply.body.tokenId) };
  }

  /** GET /api/auth/tokens/{id} with the token itself: 200 means it authenticates (and its record is readable). */
  async function authenticates(token: Minted): Promise<boolean> {
    const reply = await call('GET', `/api/auth/tokens/${token.tokenId}`, { token: token.token });
    return reply.status === 200;
  }

  /** The AOF files (base + increments + manifest) of the token store's embedded server. */
  async function aofSize(): Promise<{ bytes: number; files: string }> {
    const dir = join(storeDir(), 'appendonlydir');
    const names = (await readdir(dir)).sort();
    let bytes = 0;
    const files: string[] = [];
    for (const name of names) {
      const { size } = await stat(join(dir, name));
      bytes += size;
      files.push(`${name} ${formatBytes(size)}`);
    }
    return { bytes, files: files.join(', ') };
  }

  /** The service's own log lines about loading the store (FalkorDB's progress, counters, ...). */
  const storeLogLines = () =>
    logger.lines
      .map((line) => JSON.parse(line) as { level: string; message: unknown; rest: unknown[] })
      .filter((entry) => entry.rest.some((context) => context === 'FalkorDB' || context === 'CredentialStore'))
      .map((entry) => `${entry.level} ${String(entry.message)}`);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pat-restart-size-'));
    port = await freePort();
  });

  afterAll(async () => {
    await stopService();
    await rm(dataDir, { recursive: true, force: true });
  }, 2 * MINUTE);

  it(
    'restarts after 10,000 tokens minted through the API, and every sampled token authenticates',
    async () => {
      await startService();
      const started = performance.now();
      let next = 0;
      const results: Minted[] = new Array<Minted>(MINTS);
      await Promise.all(
        Array.from({ length: MINT_CONCURRENCY }, async () => {
          for (let index = next++; index < MINTS; index = next++) results[index] = await mint(`restart-at-size ${index}`);
        }),
      );
      const mintMs = performance.now() - started;
      minted.push(...results);
      expect(new Set(minted.map((token) => token.tokenId)).size).toBe(MINTS);

      await stopService();
      const aof = await aofSize();
      const restartMs = await startService();
      expect((await call('GET', '/health/ready')).status).toBe(200);

      const samples = Array.from({ length: SAMPLES }, (_, n) => minted[Math.round((n * (MINTS - 1)) / (SAMPLES - 1))]);
      const failed: string[] = [];
      for (const sample of samples) if (!(await authenticates(sample))) failed.push(sample.tokenId);
      expect(failed).toEqual([]);

      console.log(
        [
          `10,000 API mints (${MINT_CONCURRENCY} at a time): ${seconds(mintMs)}, ${Math.round(MINTS / (mintMs / 1000))} mints/s`,
          `AOF before restart: ${formatBytes(aof.bytes)} (${aof.files})`,
          `restart (startTestApp until resolved): ${seconds(restartMs)}`,
          ...storeLogLines().map((line) => `  ${line}`),
        ].join('\n'),
      );
    },
    10 * MINUTE,
  );

  it(
    'restarts with 1,000,000 seeded tokens: old and new tokens authenticate, seeded records are read as tokens',
    async () => {
      if (!app) await startService();
      const before = minted[0] ?? (await mint('before the seed'));

      // The store's server answers only the service (its password is made at each start): the seed
      // is written with the service stopped, on the store's data folder served without a password.
      await stopService();
      const seedPort = await freePort();
      const store = await EmbeddedFalkorDb.start({ dataDir: storeDir(), port: seedPort });
      const client = await connectPlainClient(seedPort);
      // Signed with the service's key, as the records it writes (owned by users of the users' server).
      const seeding = seedTokens(client, { tokens: SEEDED, users: SEEDED_USERS, port, graph: 'token_management', encryptionKey: TEST_SECRETS.ENCRYPTION_KEY });
      const seeded = await seeding.finally(() => client.close());
      await store.stop();

      const aof = await aofSize();
      const restartMs = await startService();
      const restartLog = storeLogLines();

      const after = await mint('after the seed restart');
      expect(await authenticates(after)).toBe(true);
      expect(await authenticates(before)).toBe(true);
      // The default user is an Admin of this server: it reads seeded tokens as stored records.
      for (const tokenId of [seeded.sampleTokenIds[0], seeded.sampleTokenIds[seeded.sampleTokenIds.length - 1]]) {
        const reply = await call('GET', `/api/auth/tokens/${tokenId}`, { token: after.token });
        expect(reply.status).toBe(200);
        expect(reply.body.token).toMatchObject({ token_id: tokenId, is_active: true, host: 'localhost', port });
      }

      console.log(
        [
          `seeded ${SEEDED.toLocaleString('en-US')} tokens over ${seeded.users} users in ${seeded.batches} batches: ${seconds(seeded.elapsedMs)}`,
          `AOF before restart: ${formatBytes(aof.bytes)} (${aof.files})`,
          `restart (startTestApp until resolved): ${seconds(restartMs)}`,
          ...restartLog.map((line) => `  ${line}`),
        ].join('\n'),
      );
    },
    10 * MINUTE,
  );

  it(
    'heals by itself after kill -9 of the token store\'s embedded FalkorDB: /health/ready is 503 meanwhile, no restart of the app',
    async () => {
      if (!app) await startService();
      const token = minted[minted.length - 1] ?? (await mint('before kill -9'));
      expect(await authenticates(token)).toBe(true);
      const nest = app?.app;

      const pidFile = join(storeDir(), 'falkordb.pid');
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      expect(Number.isInteger(pid) && pid > 0).toBe(true);
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      expect(cmdline.split('\0')).toContain(join(storeDir(), 'falkordb.sock'));
      logger.lines.length = 0;

      const killedAt = performance.now();
      process.kill(pid, 'SIGKILL');
      let firstUnavailableMs: number | undefined;
      await until(
        async () => {
          const status = (await call('GET', '/health/ready')).status;
          if (status === 503) firstUnavailableMs ??= performance.now() - killedAt;
          return status === 503;
        },
        30_000,
        '/health/ready to answer 503 after kill -9',
      );
      await until(async () => (await call('GET', '/health/ready')).status === 200, 3 * MINUTE, '/health/ready to answer 200 again');
      const readyAgainMs = performance.now() - killedAt;
      await until(() => authenticates(token), 30_000, 'the token to authenticate again');
      const servingMs = performance.now() - killedAt;

      expect(app?.app).toBe(nest);
      const newPid = Number((await readFile(pidFile, 'utf8')).trim());
      expect(newPid).not.toBe(pid);
      const warnings = storeLogLines().filter((line) => line.startsWith('warn'));
      console.log(
        [
          `kill -9 of FalkorDB pid ${pid} (data: ${formatBytes((await aofSize()).bytes)} of AOF): first 503 after ${seconds(firstUnavailableMs ?? 0)}, ` +
            `ready again after ${seconds(readyAgainMs)} (new pid ${newPid}), token authenticates after ${seconds(servingMs)}`,
          `store log lines during the outage (${warnings.length} warning(s)):`,
          ...storeLogLines().map((line) => `  ${line}`),
        ].join('\n'),
      );
    },
    5 * MINUTE,
  );
});
