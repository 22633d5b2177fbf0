import { mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IncomingMessage, ServerResponse } from 'node:http';
import { FalkorDbTestServer } from './support/falkordb-test-server';
import { freePort, refusesConnections } from './support/free-port';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

/*
 * Faults: a real FalkorDB process stopped and started again under continuous traffic, and a
 * graceful shutdown with requests in flight (external FalkorDB and embedded FalkorDB).
 */

/** Longest any single request may take, outage or not (the store's command timeout is 5 s). */
const REQUEST_BOUND_MS = 6_000;
/** A request still unanswered after this counts as a hang (and fails the test). */
const HANG_MS = 20_000;

interface Outcome {
  kind: 'mint' | 'list' | 'get';
  phase: string;
  status: number;
  ms: number;
  body: Record<string, unknown> | undefined;
  contentType: string | null;
  retryAfter: string | null;
  /** Set when no complete HTTP response arrived (socket error, reset, hang). */
  error?: string;
}

async function call(base: string, kind: Outcome['kind'], phase: string, path: string, init: RequestInit = {}): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(HANG_MS) });
    const text = await response.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      body = { unparsable: text.slice(0, 200) };
    }
    return {
      kind,
      phase,
      status: response.status,
      ms: performance.now() - started,
      body,
      contentType: response.headers.get('content-type'),
      retryAfter: response.headers.get('retry-after'),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      kind,
      phase,
      status: 0,
      ms: performance.now() - started,
      body: undefined,
      contentType: null,
      retryAfter: null,
      error: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
    };
  }
}

/** The announcement's request, as FalkorDB's default user (no password: it exists from the server's first moment). */
function mintDefault(base: string, phase: string, name: string, port?: number): Promise<Outcome> {
  const credentials = port === undefined ? {} : { host: 'localhost', port: String(port) };
  return call(base, 'mint', phase, '/api/auth/tokens/credentials', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'default', password: '', ...credentials, name, ttlSeconds: 3600 }),
  });
}

function listWith(base: string, phase: string, token: string): Promise<Outcome> {
  return call(base, 'list', phase, '/api/auth/tokens', { headers: { Authorization: `Bearer ${token}` } });
}

function getWith(base: string, token: string, tokenId: string): Promise<Outcome> {
  return call(base, 'get', 'verify', `/api/auth/tokens/${tokenId}`, { headers: { Authorization: `Bearer ${token}` } });
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function inPool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    }),
  );
  return results;
}

async function listen(app: TestApp): Promise<string> {
  await app.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.app.getHttpServer().address() as AddressInfo).port}`;
}

/**
 * Calls `app.close()` the moment the HTTP server has received `count` requests (synchronously in its
 * 'request' event, after the app's own handler started on the last one), and reports how many of
 * them were still unanswered at that moment.
 */
function closeOnArrival(app: TestApp, count: number): Promise<{ unfinishedAtClose: number; closed: Promise<number> }> {
  return new Promise((resolve) => {
    let received = 0;
    let finished = 0;
    app.app.getHttpServer().on('request', (_request: IncomingMessage, response: ServerResponse) => {
      received += 1;
      response.on('finish', () => (finished += 1));
      if (received === count) {
        const started = performance.now();
        // Resolves with how long close() took.
        resolve({ unfinishedAtClose: received - finished, closed: app.close().then(() => performance.now() - started) });
      }
    });
  });
}

/**
 * close() must not wait for clients' keep-alive connections (Fastify keeps them 72 s): an
 * orchestrator kills a process that takes longer than its grace period (30 s by default).
 */
const CLOSE_BOUND_MS = 10_000;

/**
 * TCP connections to the server other than the one asking (FalkorDbTestServer.command opens a
 * fresh one each time); the test server's own Unix-socket monitor connection is not the service's.
 */
async function serviceConnections(server: FalkorDbTestServer): Promise<string[]> {
  const list = String(await server.command(['CLIENT', 'LIST']));
  return list.split('\n').filter((line) => / addr=127\.0\.0\.1:/.test(line) && !line.includes('cmd=client|list'));
}

const brief = (outcome: Outcome) =>
  `${outcome.kind}@${outcome.phase} -> ${outcome.status || outcome.error} in ${Math.round(outcome.ms)} ms ${JSON.stringify(outcome.body)?.slice(0, 160)}`;

function expectEveryOutcomeOk(outcomes: Outcome[], allowed: number[]): void {
  const broken = outcomes.filter((outcome) => outcome.status === 0 || !allowed.includes(outcome.status));
  expect(broken.slice(0, 10).map(brief)).toEqual([]);
}

describe('FalkorDB stops mid-traffic (e2e, real FalkorDB process)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    // The default user mints a lot here: lift the per-user cap on active tokens out of the way.
    app = await startTestApp({ FALKORDB_URL: server.url, TOKEN_MAX_ACTIVE_PER_USER: '1000000' });
    base = await listen(app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  it('answers 2xx or a quick 503 while FalkorDB is down, writes nothing by halves, and recovers by itself', async () => {
    const first = await mintDefault(base, 'setup', 'lister');
    expect(first.status).toBe(201);
    const lister = first.body as { token: string; tokenId: string };

    const outcomes: Outcome[] = [];
    const health: Outcome[] = [];
    let phase = 'before';
    let stopTraffic = false;
    const count = (test: (outcome: Outcome) => boolean) => outcomes.filter(test).length;

    // Four clients, each minting with credentials and listing with a token, back to back. After a
    // 503 a client waits a moment before retrying (as one honouring Retry-After would, shortened).
    const client = async (id: number) => {
      for (let round = 0; !stopTraffic && outcomes.length < 20_000; round++) {
        const mint = await mintDefault(base, phase, `fault ${id}-${round}`);
        const list = await listWith(base, phase, lister.token);
        outcomes.push(mint, list);
        if (mint.status === 503 || list.status === 503) await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const traffic = [0, 1, 2, 3].map(client);

    try {
      await until(() => count((o) => o.phase === 'before' && o.status === 201) >= 8, 30_000, 'mints before the outage');

      phase = 'stopping';
      await server.stop();
      phase = 'down';
      await until(() => count((o) => o.phase === 'down' && o.status === 503) >= 20, 30_000, '503s while FalkorDB is down');
      health.push(
        await call(base, 'get', 'down:/health/live', '/health/live'),
        await call(base, 'get', 'down:/health/ready', '/health/ready'),
      );

      phase = 'starting';
      await server.startAgain();
      phase = 'after';
      // Nobody restarts the service: it must reconnect on its own, within bounded time.
      await until(
        () =>
          count((o) => o.phase === 'after' && o.kind === 'mint' && o.status === 201) >= 8 &&
          count((o) => o.phase === 'after' && o.kind === 'list' && o.status === 200) >= 8,
        30_000,
        'the service to recover after FalkorDB returned',
      );
    } finally {
      stopTraffic = true;
      await Promise.all(traffic);
      if (!server.isRunning) await server.startAgain();
    }
    health.push(
      await call(base, 'get', 'after:/health/live', '/health/live'),
      await call(base, 'get', 'after:/health/ready', '/health/ready'),
    );

    // Every request got a complete answer: success, or a 503 problem (never a 500, 401 or a reset).
    expectEveryOutcomeOk(outcomes, [200, 201, 503]);
    // ...within the bound (no hanging on a dead connection: no offline queue, 5 s command timeout).
    const slowest = outcomes.reduce((max, outcome) => (outcome.ms > max.ms ? outcome : max));
    if (process.env.FAULTS_DEBUG) {
      const tally = (o: Outcome) => `${o.kind}@${o.phase}:${o.status}`;
      console.log(`${outcomes.length} requests, slowest ${brief(slowest)}`, outcomes.reduce<Record<string, number>>((all, o) => ({ ...all, [tally(o)]: (all[tally(o)] ?? 0) + 1 }), {}));
    }
    expect(slowest.ms).toBeLessThan(REQUEST_BOUND_MS);
    for (const unavailable of outcomes.filter((outcome) => outcome.status === 503)) {
      expect(unavailable.contentType).toMatch(/^application\/problem\+json/);
      expect(unavailable.retryAfter).toBe('5');
      expect(unavailable.body).toMatchObject({ status: 503, code: expect.stringMatching(/^(STORE_UNAVAILABLE|FALKORDB_UNREACHABLE)$/) });
      expect(unavailable.body?.message).toBe(unavailable.body?.detail);
    }
    expect(count((o) => o.phase === 'down' && o.status === 503)).toBeGreaterThanOrEqual(20);

    // Liveness never depends on FalkorDB; readiness does.
    expect(health.map((h) => `${h.phase} ${h.status}`)).toEqual([
      'down:/health/live 200',
      'down:/health/ready 503',
      'after:/health/live 200',
      'after:/health/ready 200',
    ]);

    // Nothing half-written: every token answered with 201 is stored whole and works.
    const minted = outcomes.filter((o) => o.kind === 'mint' && o.status === 201).map((o) => o.body as { token: string; tokenId: string });
    const checks = await inPool(minted, 4, (token) => getWith(base, token.token, token.tokenId));
    const notWorking = checks.filter((check) => check.status !== 200 || (check.body?.token as { is_active?: boolean })?.is_active !== true);
    expect(notWorking.slice(0, 5).map(brief)).toEqual([]);
    // ...and no token node lacks its owner edge, hash or sealed password (a 503'd mint is all or nothing too).
    const partial = (await server.command([
      'GRAPH.RO_QUERY',
      'token_management',
      'MATCH (t:Token) WHERE NOT (t)-[:BELONGS_TO]->(:User) OR t.token_hash IS NULL OR t.password_enc IS NULL OR t.name IS NULL RETURN count(t)',
    ])) as [unknown, [[number]]];
    expect(partial[1][0][0]).toBe(0);
  }, 120_000);

  it('answers 2xx or 503 when FalkorDB drops its connections mid-request (CLIENT KILL), and recovers', async () => {
    const first = await mintDefault(base, 'setup', 'lister');
    expect(first.status).toBe(201);
    const lister = first.body as { token: string; tokenId: string };
    const outcomes: Outcome[] = [];
    let stopTraffic = false;
    const client = async (id: number) => {
      for (let round = 0; !stopTraffic && round < 2_000; round++) {
        outcomes.push(await mintDefault(base, 'kills', `killed ${id}-${round}`), await listWith(base, 'kills', lister.token));
      }
    };
    const traffic = [0, 1, 2, 3].map(client);
    let kills = 0;
    try {
      // Drop every connection of the default user (the service's store connection and the login
      // connections it opens), again and again, while the clients keep going.
      while (kills < 40) {
        await server.command(['CLIENT', 'KILL', 'USER', 'default']);
        kills += 1;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    } finally {
      stopTraffic = true;
      await Promise.all(traffic);
    }
    expectEveryOutcomeOk(outcomes, [200, 201, 503]);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(REQUEST_BOUND_MS);
    expect(outcomes.filter((o) => o.status === 503).length).toBeGreaterThan(0);

    // Recovers by itself, and every token answered with 201 works.
    await until(async () => (await listWith(base, 'after', lister.token)).status === 200, 30_000, 'the service to recover');
    const minted = outcomes.filter((o) => o.kind === 'mint' && o.status === 201).map((o) => o.body as { token: string; tokenId: string });
    const checks = await inPool(minted, 4, (token) => getWith(base, token.token, token.tokenId));
    expect(checks.filter((check) => check.status !== 200).slice(0, 5).map(brief)).toEqual([]);
  }, 120_000);
});

describe('FalkorDB freezes: connections accepted, nothing answered (e2e, SIGSTOP)', () => {
  let store: FalkorDbTestServer;
  /** A second allow-listed server that users log in to and run queries on. */
  let users: FalkorDbTestServer;
  let app: TestApp;
  let base: string;

  beforeAll(async () => {
    [store, users] = await Promise.all([FalkorDbTestServer.start(), FalkorDbTestServer.start()]);
    app = await startTestApp({
      FALKORDB_URL: store.url,
      FALKORDB_ALLOWED_SERVERS: `127.0.0.1:${store.port},127.0.0.1:${users.port}`,
    });
    base = await listen(app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([store?.destroy(), users?.destroy()]);
  });

  const query = (phase: string, token: string, body: Record<string, unknown>) =>
    call(base, 'get', phase, '/api/graph/frozen/query', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const expectAnswered = (outcome: Outcome, status: number, code?: string) => {
    expect({ status: outcome.status, code: outcome.body?.code, error: outcome.error }).toEqual({
      status,
      code: code ?? outcome.body?.code,
      error: undefined,
    });
    expect(outcome.ms).toBeLessThan(REQUEST_BOUND_MS);
  };

  it("answers within the bound when a user's FalkorDB hangs (login, role check, opening and using a connection), and recovers", async () => {
    const pooled = await mintDefault(base, 'setup', 'pooled', users.port);
    const fresh = await mintDefault(base, 'setup', 'fresh', users.port);
    expect([pooled.status, fresh.status]).toEqual([201, 201]);
    const pooledToken = (pooled.body as { token: string }).token;
    const freshToken = (fresh.body as { token: string }).token;
    // Opens the first token's pooled connection (and confirms its Admin role) while the server answers.
    expectAnswered(await query('setup', pooledToken, { query: 'RETURN 1' }), 200);

    await users.freeze();
    try {
      const [login, freshQuery, pooledQuery] = await Promise.all([
        // Logging in: connecting as the user never completes its AUTH handshake.
        mintDefault(base, 'frozen', 'during freeze', users.port),
        // A credential not yet confirmed as Admin nor connected: its role check cannot connect.
        query('frozen', freshToken, { query: 'RETURN 1' }),
        // A pooled connection whose command is never answered: the query's own deadline.
        query('frozen', pooledToken, { query: 'RETURN 1', timeoutMs: 1000 }),
      ]);
      expectAnswered(login, 503, 'FALKORDB_UNREACHABLE');
      expectAnswered(freshQuery, 503, 'FALKORDB_UNREACHABLE');
      expectAnswered(pooledQuery, 504, 'QUERY_TIMEOUT');
      // The token store is on another server and still answers.
      expectAnswered(await getWith(base, pooledToken, (pooled.body as { tokenId: string }).tokenId), 200);
    } finally {
      await users.thaw();
    }

    expectAnswered(await mintDefault(base, 'thawed', 'after freeze', users.port), 201);
    expectAnswered(await query('thawed', freshToken, { query: 'RETURN 1' }), 200);
    expectAnswered(await query('thawed', pooledToken, { query: 'RETURN 1' }), 200);
  }, 60_000);

  it('answers 503 within the bound when the token store hangs, and recovers', async () => {
    const minted = await mintDefault(base, 'setup', 'store frozen', store.port);
    expect(minted.status).toBe(201);
    const { token, tokenId } = minted.body as { token: string; tokenId: string };

    await store.freeze();
    try {
      const [listed, mint, ready] = await Promise.all([
        listWith(base, 'frozen', token),
        mintDefault(base, 'frozen', 'during store freeze', store.port),
        call(base, 'get', 'frozen', '/health/ready'),
      ]);
      expectAnswered(listed, 503, 'STORE_UNAVAILABLE');
      expectAnswered(mint, 503);
      expect(mint.body?.code).toMatch(/^(STORE_UNAVAILABLE|FALKORDB_UNREACHABLE)$/);
      expectAnswered(ready, 503);
    } finally {
      await store.thaw();
    }
    await until(async () => (await getWith(base, token, tokenId)).status === 200, 30_000, 'the store to answer again');
    expectAnswered(await mintDefault(base, 'thawed', 'after store freeze', store.port), 201);
  }, 60_000);
});

describe('graceful shutdown (e2e)', () => {
  it('finishes in-flight requests, then closes its FalkorDB connection (external FalkorDB)', async () => {
    const server = await FalkorDbTestServer.start();
    try {
      const app = await startTestApp({ FALKORDB_URL: server.url });
      const base = await listen(app);
      const first = await mintDefault(base, 'setup', 'before shutdown');
      expect(first.status).toBe(201);
      const { token } = first.body as { token: string };
      expect((await serviceConnections(server)).length).toBeGreaterThanOrEqual(1);

      const count = 24;
      const shutdown = closeOnArrival(app, count);
      const inFlight = Array.from({ length: count }, (_, i) => (i % 2 ? listWith(base, 'closing', token) : mintDefault(base, 'closing', `in flight ${i}`)));
      const { unfinishedAtClose, closed } = await shutdown;
      const results = await Promise.all(inFlight);
      const closeMs = await closed;

      // close() was called while requests were still being worked on, and each got its full answer.
      expect(unfinishedAtClose).toBeGreaterThan(0);
      expect(closeMs).toBeLessThan(CLOSE_BOUND_MS);
      expectEveryOutcomeOk(results, [200, 201]);
      // The HTTP server is closed...
      expect((await call(base, 'get', 'closed', '/health/live')).error).toBeDefined();
      // ...and so is every connection the service had opened to FalkorDB.
      await until(async () => (await serviceConnections(server)).length === 0, 10_000, 'the service to close its FalkorDB connections');

      // Every token answered with 201 during the shutdown was stored.
      for (const result of results.filter((r) => r.kind === 'mint')) {
        const { tokenId } = result.body as { tokenId: string };
        const reply = (await server.command([
          'GRAPH.RO_QUERY',
          'token_management',
          `CYPHER id="${tokenId}" MATCH (t:Token {token_id: $id})-[:BELONGS_TO]->(:User) RETURN count(t)`,
        ])) as [unknown, [[number]]];
        expect(reply[1][0][0]).toBe(1);
      }
    } finally {
      await server.destroy();
    }
  }, 90_000);

  it('embedded FalkorDB: in-flight requests finish, the server process stops, a restart on the same data finds the tokens', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pat-faults-embedded-'));
    const port = await freePort();
    const storeSocket = join(dataDir, 'token-store', 'falkordb.sock');
    const env = {
      FALKORDB_URL: undefined,
      FALKORDB_EMBEDDED_PORT: String(port),
      JWT_SECRET: undefined,
      SESSION_SECRET: undefined,
      ENCRYPTION_KEY: undefined,
    };
    let app: TestApp | undefined;
    try {
      app = await startTestApp(env, dataDir);
      let base = await listen(app);
      const first = await mintDefault(base, 'setup', 'before shutdown', port);
      expect(first.status).toBe(201);
      const { token } = first.body as { token: string };

      const count = 16;
      const shutdown = closeOnArrival(app, count);
      app = undefined;
      const inFlight = Array.from({ length: count }, (_, i) => (i % 2 ? listWith(base, 'closing', token) : mintDefault(base, 'closing', `in flight ${i}`, port)));
      const { unfinishedAtClose, closed } = await shutdown;
      const results = await Promise.all(inFlight);
      const closeMs = await closed;

      expect(unfinishedAtClose).toBeGreaterThan(0);
      expect(closeMs).toBeLessThan(CLOSE_BOUND_MS);
      expectEveryOutcomeOk(results, [200, 201]);
      // The embedded servers are gone: their ports refuse connections.
      await until(() => refusesConnections(port), 10_000, `the embedded FalkorDB on port ${port} to stop`);
      await until(() => refusesConnections(storeSocket), 10_000, `the token store's embedded FalkorDB on ${storeSocket} to stop`);

      // Same data folder, same port: every token minted (including during the shutdown) is there and works.
      app = await startTestApp(env, dataDir);
      base = await listen(app);
      const minted = [first, ...results.filter((r) => r.kind === 'mint')].map((r) => r.body as { token: string; tokenId: string });
      expect(minted.length).toBe(9);
      for (const check of await inPool(minted, 4, (t) => getWith(base, t.token, t.tokenId))) {
        expect(`${check.status} ${String((check.body?.token as { is_active?: boolean })?.is_active)}`).toBe('200 true');
      }
    } finally {
      await app?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
