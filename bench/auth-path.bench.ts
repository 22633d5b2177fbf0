/**
 * Throughput of the authenticated path on this machine: a real FalkorDB, the real Fastify app,
 * autocannon with 50 connections. Run with `npm run bench`. Numbers are printed, not asserted:
 * shared machines are noisy, so targets are compared by people, not by tests.
 */
import autocannon from 'autocannon';
import { FalkorDbTestServer, TEST_USERS } from '../test/support/falkordb-test-server';
import { startTestApp } from '../test/support/test-app';

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

async function measure(title: string, url: string, headers: Record<string, string> = {}): Promise<void> {
  const result = await autocannon({ url, connections: 50, duration: DURATION_SECONDS, headers });
  const errors = result.non2xx + result.errors + result.timeouts;
  console.log(
    `${title.padEnd(44)} ${Math.round(result.requests.average).toString().padStart(6)} req/s  ` +
      `p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  errors ${errors}`,
  );
}

async function main(): Promise<void> {
  const server = await FalkorDbTestServer.start();
  const app = await startTestApp({ FALKORDB_URL: server.url });
  try {
    await app.app.listen(0, '127.0.0.1');
    const base = await app.app.getUrl();
    const mint = async (user: { username: string; password: string }) => {
      const created = await fetch(`${base}/api/auth/tokens/credentials`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user.username, password: user.password, name: 'bench' }),
      });
      const { token, tokenId } = (await created.json()) as { token: string; tokenId: string };
      return { tokenId, auth: { authorization: `Bearer ${token}` } };
    };
    const { tokenId, auth } = await mint(TEST_USERS.writer);
    const admin = await mint(TEST_USERS.admin);

    console.log(`autocannon, 50 connections, ${DURATION_SECONDS} s each, Fastify`);
    await measure('GET /health/live (no auth, baseline)', `${base}/health/live`);
    await measure('GET /api/auth/tokens/{id} (PAT: verify + store)', `${base}/api/auth/tokens/${tokenId}`, auth);
    await measure('GET /api/auth/tokens (PAT: verify + list)', `${base}/api/auth/tokens`, auth);
    // An Admin credential also has its role confirmed against the ACL (remembered for 30 s).
    await measure('GET /api/auth/tokens/{id} (admin PAT: + role recheck)', `${base}/api/auth/tokens/${admin.tokenId}`, admin.auth);
  } finally {
    await app.close();
    await server.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
