import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import request from 'supertest';
import { FalkorDbPatModule } from '../src';
import { bearer, CreatedToken, logIn, mintToken } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { freePort } from './support/free-port';
import { startTestApp, TEST_SECRETS, TestApp } from './support/test-app';
import { until } from './support/until';

/** One sample of the Prometheus text format: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function samplesOf(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of one series (0 when absent: a counter not yet moved). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return found.reduce((sum, sample) => sum + sample.value, 0);
}

/** promtool as scripts/install-promtool.sh leaves it (unpacked in .tools/), or on PATH. */
const promtool = (() => {
  const unpacked = join(__dirname, '..', '.tools', 'prometheus', 'usr', 'bin', 'promtool');
  if (existsSync(unpacked)) return unpacked;
  try {
    return execFileSync('sh', ['-c', 'command -v promtool']).toString().trim() || undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Issue 26: Prometheus metrics on a listener of their own, checked with promtool after a mixed load,
 * each counter moved by exactly what the load did; a host's own registry gets the same metrics.
 */
describe('metrics (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let metricsPort: number;

  const scrape = async (): Promise<string> => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    metricsPort = await freePort();
    app = await startTestApp({ FALKORDB_URL: server.url, METRICS_PORT: String(metricsPort), TOKEN_MAX_ACTIVE_PER_USER: '1000' });
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  it('serves /metrics only on the metrics port, nothing else there, and not to a Host it does not answer to', async () => {
    await request(app.http).get('/metrics').expect(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(404);
    const statusFor = (host: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const sent = httpRequest({ host: '127.0.0.1', port: metricsPort, path: '/metrics', headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode);
        });
        sent.on('error', reject).end();
      });
    // A page on another site that rebinds its name to 127.0.0.1 sends its own name: refused.
    expect(await statusFor(`rebound.example:${metricsPort}`)).toBe(421);
    expect(await statusFor(`localhost:${metricsPort}`)).toBe(200);
    expect(await statusFor(`pat.test:${metricsPort}`)).toBe(200);
  });

  it('moves each counter by exactly what a mixed load did, passes promtool, and never labels with a token, id, user or address', async () => {
    const before = samplesOf(await scrape());
    const pat = (result: string) => ({ kind: 'pat', result });
    const use = (token: CreatedToken) => request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token));

    // Minting with credentials: 4 tokens created, no token authentication.
    const user = await mintToken(app, TEST_USERS.writer, server.port);
    const rotated = await mintToken(app, TEST_USERS.writer, server.port);
    const revoked = await mintToken(app, TEST_USERS.writer, server.port);
    const reader = await mintToken(app, TEST_USERS.writer, server.port, { permissions: { access: 'read' } });
    const fenced = await mintToken(app, TEST_USERS.writer, server.port, { allowedIps: ['10.9.9.9/32'] });
    for (let index = 0; index < 4; index++) await use(user).expect(200); // ok 4
    const next = (await request(app.http).post('/api/auth/tokens/self/rotate').set(...bearer(rotated.token)).send({}).expect(201)).body as CreatedToken; // ok 5, created, revoked rotated
    await use(rotated).expect(401); // revoked 1, and reuse detection revokes `next`
    await use(next).expect(401); // revoked 2
    await request(app.http).delete('/api/auth/tokens/self').set(...bearer(revoked.token)).expect(200); // ok 6, revoked owner
    await use(revoked).expect(401); // revoked 3
    await request(app.http).get('/api/auth/tokens/self').set('Authorization', 'Bearer not.a.jwt').expect(401); // invalid 1
    await use(fenced).expect(403); // ip_denied 1
    const graph = (token: CreatedToken, body: Record<string, unknown>) => request(app.http).post('/api/graph/metrics_e2e/query').set(...bearer(token.token)).send(body);
    await graph(user, { query: 'CREATE (:Probe {at: 1})' }).expect(200); // ok 7, graph ok
    await graph(user, { query: 'MATCH (n RETURN n' }).expect(400); // ok 8, graph client_error
    await graph(reader, { query: 'CREATE (:Probe {at: 2})' }).expect(403); // ok 9, graph forbidden
    await graph(user, { query: 'UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x)', timeoutMs: 1 }).expect(504); // ok 10, graph timeout
    const cookie = await logIn(app, TEST_USERS.writer, server.port);
    await request(app.http).get('/api/auth/tokens').set('Cookie', cookie).expect(200); // session ok 1

    const text = await scrape();
    const after = samplesOf(text);
    const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect({
      ok: delta('falkordb_pat_authentications_total', pat('ok')),
      revoked: delta('falkordb_pat_authentications_total', pat('revoked')),
      invalid: delta('falkordb_pat_authentications_total', pat('invalid')),
      expired: delta('falkordb_pat_authentications_total', pat('expired')),
      ipDenied: delta('falkordb_pat_authentications_total', pat('ip_denied')),
      rateLimited: delta('falkordb_pat_authentications_total', pat('rate_limited')),
      session: delta('falkordb_pat_authentications_total', { kind: 'session', result: 'ok' }),
      timed: delta('falkordb_pat_authentication_duration_seconds_count', { kind: 'pat' }),
      created: delta('falkordb_pat_tokens_created_total'),
      byRotation: delta('falkordb_pat_tokens_revoked_total', { reason: 'rotated' }),
      byReuse: delta('falkordb_pat_tokens_revoked_total', { reason: 'reuse_detected' }),
      byOwner: delta('falkordb_pat_tokens_revoked_total', { reason: 'owner' }),
      graphOk: delta('falkordb_pat_graph_queries_total', { outcome: 'ok' }),
      graphClientError: delta('falkordb_pat_graph_queries_total', { outcome: 'client_error' }),
      graphForbidden: delta('falkordb_pat_graph_queries_total', { outcome: 'forbidden' }),
      graphTimeout: delta('falkordb_pat_graph_queries_total', { outcome: 'timeout' }),
      graphTimed: delta('falkordb_pat_graph_query_duration_seconds_count'),
    }).toEqual({
      ok: 10,
      revoked: 3,
      invalid: 1,
      expired: 0,
      ipDenied: 1,
      rateLimited: 0,
      session: 1,
      timed: 15,
      created: 6,
      byRotation: 1,
      byReuse: 1,
      byOwner: 1,
      graphOk: 1,
      graphClientError: 1,
      graphForbidden: 1,
      graphTimeout: 1,
      graphTimed: 4,
    });
    expect(delta('falkordb_pat_http_requests_total', { method: 'GET', route: '/api/auth/tokens/self', status: '200' })).toBe(4);
    expect(valueOf(after, 'falkordb_pat_store_up')).toBe(1);
    // The gauge is the stored per-user counters (read at most once a second): 3 of the 6 created are still active.
    const active = async () => valueOf(samplesOf(await scrape()), 'falkordb_pat_active_tokens');
    await until(async () => (await active()) === 3, 5000, 'the active-token gauge to read the store again');
    expect(valueOf(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // Bounded label values: nothing a request chose.
    const labelValues = after.flatMap((sample) => Object.values(sample.labels));
    for (const secret of [user.token, user.tokenId, next.tokenId, TEST_USERS.writer.username, '127.0.0.1', '::ffff:127.0.0.1', 'metrics_e2e']) {
      expect(labelValues.filter((value) => value.includes(secret)), secret).toEqual([]);
    }

    expect(promtool, 'promtool (scripts/install-promtool.sh) checks the exposition format').toBeDefined();
    // promtool answers 0 when the text is valid; lint problems (e.g. a counter without _total) fail too.
    execFileSync(promtool!, ['check', 'metrics'], { input: text });
  });

  it('names in docs/grafana-dashboard.json only metrics the service exports', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'grafana-dashboard.json'), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    const named = new Set(exprs.flatMap((expr) => [...expr.matchAll(/\b(falkordb_pat_\w+?)(?:_bucket|_sum|_count)?\b(?=[{[(\s)]|$)/g)].map((match) => match[1])));
    expect(named.size).toBeGreaterThanOrEqual(9);
    const exported = new Set([...(await scrape()).matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
  });

  it("counts into a host's own registry, and a second app (built again, or beside it) counts into the same metrics", async () => {
    const registry = new Registry();
    /** A host app with our modules, counting into `registry`. */
    const hostApp = async (): Promise<INestApplication> => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          FalkorDbPatModule.forRoot({
            falkordb: { url: server.url, tokenGraph: 'metrics_host' },
            auth: { jwtSecret: TEST_SECRETS.JWT_SECRET, sessionSecret: TEST_SECRETS.SESSION_SECRET, encryptionKey: TEST_SECRETS.ENCRYPTION_KEY },
            routes: { metrics: { registry } },
          }),
        ],
      }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      return app;
    };
    const host = await hostApp();
    const beside = await hostApp();
    try {
      const minted = await request(host.getHttpServer())
        .post('/api/auth/tokens/credentials')
        .send({ username: TEST_USERS.reader.username, password: TEST_USERS.reader.password, host: 'localhost', port: String(server.port), name: 'host metrics' })
        .expect(201);
      await request(host.getHttpServer()).get('/api/auth/tokens/self').set(...bearer(minted.body.token)).expect(200);
      const samples = samplesOf(await registry.metrics());
      expect(valueOf(samples, 'falkordb_pat_tokens_created_total')).toBe(1);
      expect(valueOf(samples, 'falkordb_pat_authentications_total', { kind: 'pat', result: 'ok' })).toBe(1);
      // A host's registry gets ours only: its process metrics are its own business.
      expect(samples.some((sample) => sample.name.startsWith('process_'))).toBe(false);
      await request(beside.getHttpServer()).get('/api/auth/tokens/self').set(...bearer(minted.body.token)).expect(200);
      expect(valueOf(samplesOf(await registry.metrics()), 'falkordb_pat_authentications_total', { kind: 'pat', result: 'ok' })).toBe(2);
    } finally {
      await beside.close();
      await host.close();
    }
    // Closed, the first app took its metrics out of the registry: the host can build it again.
    expect(registry.getSingleMetric('falkordb_pat_authentications_total')).toBeUndefined();
  });
});
