import request from 'supertest';
import { bearer, mintToken } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const GRAPH = 'stuck_query';

/** Issue 21, item 8: a token's request behind a query already past its time limit is refused at once. */
describe('Graph API under a stuck query (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;

  const query = (token: string, body: Record<string, unknown>) =>
    request(app.http).post(`/api/graph/${GRAPH}/query`).set(...bearer(token)).send(body);
  const runningWith = async (tag: string) => {
    const info = await server.command(['GRAPH.INFO', 'RunningQueries']);
    return JSON.stringify(info).split(tag).length - 1;
  };

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url });
    // One listening server: the test's requests are concurrent.
    await app.app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await server?.destroy();
  });

  it('answers 429 TOO_MANY_QUERIES with Retry-After at once while the token\'s connection runs a query past its limit', async () => {
    const { token } = await mintToken(app, TEST_USERS.writer, server.port);
    const tag = `stuck-${Date.now()}`;
    // FalkorDB does not stop a write at its time limit: this one runs for seconds past it (about
    // 8 s on 2 cores; 144 million rows filtered, nothing created, so no memory to speak of).
    const longWrite = `WITH '${tag}' AS tag UNWIND range(1, 24000) AS a UNWIND range(1, 6000) AS b WITH tag, a, b WHERE a * b = -1 CREATE (:Never {tag: tag})`;
    const firstTimeoutMs = 1000;

    // supertest sends on then(): start it now.
    const first = query(token, { query: longWrite, timeoutMs: firstTimeoutMs }).then((response) => response);
    await until(async () => (await runningWith(tag)) === 1, 10_000, 'the long write to start');
    // Admitted before FalkorDB started it, so its deadline is at most this far from now.
    const pastFirstDeadline = Date.now() + firstTimeoutMs;

    // Sent while the write is within its limit: queues behind it, and runs once it is done.
    const queued = query(token, { query: 'RETURN 1 AS one', timeoutMs: 60_000 }).then((response) => response);

    await until(() => Date.now() > pastFirstDeadline, firstTimeoutMs + 1000, 'the long write to pass its time limit');
    const refused = await query(token, { query: longWrite, timeoutMs: 500 });
    // Answered while FalkorDB still runs the write: the request did not wait for its connection.
    expect(await runningWith(tag)).toBe(1);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'TOO_MANY_QUERIES', detail: expect.stringMatching(/past its time limit/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const firstAnswer = await first;
    expect(firstAnswer.status).toBe(504);
    expect(firstAnswer.body).toMatchObject({ code: 'QUERY_TIMEOUT' });
    expect(await runningWith(tag)).toBe(1);
    expect((await queued).body).toMatchObject({ rows: [[1]] });
    // The write finished and gave its connection back: the token is admitted again.
    await until(async () => (await runningWith(tag)) === 0, 60_000, 'the long write to finish');
    await query(token, { query: 'RETURN 2 AS two', timeoutMs: 1000 }).expect(200);
  });
});
