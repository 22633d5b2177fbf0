import { StoreChangeFeed } from '../src/falkordb/store-change-feed';
import { TEST_USERS } from './support/falkordb-test-server';
import { CapturingLogger } from './support/capturing-logger';
import { SentinelDeployment } from './support/sentinel-deployment';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const SERVICE_USER = { username: 'pat_service', password: 'service-secret-pw' };
/** The sentinels require a login of their own too. */
const SENTINEL_USER = { username: 'pat_sentinel', password: 'sentinel-secret-pw' };
const MASTER = 'pat-primary';
/** Requests each instance keeps in flight during the failover. */
const WORKERS_PER_INSTANCE = 4;

interface Instance {
  name: string;
  app: TestApp;
  url: string;
  logger: CapturingLogger;
}

interface Outcome {
  instance: string;
  kind: 'mint' | 'revoke' | 'read' | 'query' | 'ready';
  status: number;
  at: number;
}

interface Minted {
  token: string;
  tokenId: string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

/**
 * Issue 16's acceptance test: a FalkorDB primary, a replica and three sentinels on loopback, two
 * service instances following them, and a bounded load of mints, revokes, authenticated reads and
 * Graph API queries while the primary is SIGKILLed.
 */
describe('Sentinel failover under load (e2e, real FalkorDB + Valkey Sentinel)', () => {
  let deployment: SentinelDeployment;
  const instances: Instance[] = [];

  beforeAll(async () => {
    deployment = new SentinelDeployment({ masterName: MASTER, dataAuth: SERVICE_USER, sentinelAuth: SENTINEL_USER });
    await deployment.start();
    // ACL users are not replicated: every data server knows the same users (as in production).
    for (const node of deployment.dataAddresses) {
      const { admin, writer } = TEST_USERS;
      await deployment.command(node, ['ACL', 'SETUSER', admin.username, 'on', `>${admin.password}`, '~*', '&*', '+@all']);
      await deployment.command(node, ['ACL', 'SETUSER', writer.username, 'on', `>${writer.password}`, '~*', '&*', '+@all', '-@admin', '-@dangerous']);
    }
    for (const name of ['A', 'B']) {
      const logger = new CapturingLogger();
      const app = await startTestApp(
        {
          FALKORDB_SENTINELS: deployment.sentinelAddresses.map(({ host, port }) => `${host}:${port}`).join(','),
          FALKORDB_SENTINEL_MASTER: MASTER,
          FALKORDB_USERNAME: SERVICE_USER.username,
          FALKORDB_PASSWORD: SERVICE_USER.password,
          FALKORDB_SENTINEL_USERNAME: SENTINEL_USER.username,
          FALKORDB_SENTINEL_PASSWORD: SENTINEL_USER.password,
          TOKEN_MAX_ACTIVE_PER_USER: '100000',
          FALKORDB_REPLICA_ACK_TIMEOUT_MS: '800',
        },
        undefined,
        logger,
      );
      await app.app.listen({ port: 0, host: '127.0.0.1' });
      instances.push({ name, app, url: await app.app.getUrl(), logger });
    }
  }, 120_000);

  afterAll(async () => {
    for (const instance of instances) await instance.app.close();
    await deployment?.stop();
  }, 60_000);

  async function call(instance: Instance, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; body: unknown }> {
    try {
      const response = await fetch(`${instance.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    } catch {
      return { status: 0, body: undefined }; // the connection failed: recorded, never a pass
    }
  }

  const mintOn = (instance: Instance, name: string) =>
    call(instance, 'POST', '/api/auth/tokens/credentials', json, { username: TEST_USERS.writer.username, password: TEST_USERS.writer.password, host: MASTER, port: 6379, name });

  it('acknowledges a credential write only once the replica has it: with the replica frozen, a mint and a revoke answer 503 WRITE_NOT_REPLICATED', async () => {
    const [a, b] = instances;
    const manager = await mintOn(a, 'manager');
    const target = await mintOn(a, 'to revoke');
    expect([manager.status, target.status]).toEqual([201, 201]);
    const managerToken = (manager.body as Minted).token;
    const { tokenId } = target.body as Minted;
    const primary = await deployment.currentPrimary();
    const replica = deployment.dataAddresses.find((node) => node.port !== primary.port)!;
    deployment.freeze(replica);
    try {
      const mint = await mintOn(b, 'while the replica is frozen');
      expect(mint).toMatchObject({ status: 503, body: { code: 'WRITE_NOT_REPLICATED' } });
      const revoke = await call(a, 'DELETE', `/api/auth/tokens/${tokenId}`, bearer(managerToken));
      expect(revoke).toMatchObject({ status: 503, body: { code: 'WRITE_NOT_REPLICATED' } });
    } finally {
      deployment.thaw(replica);
    }
    // Once the replica answers again writes are acknowledged as usual; the revocation, retried, too.
    await until(async () => (await call(a, 'DELETE', `/api/auth/tokens/${tokenId}`, bearer(managerToken))).status === 200, 20_000, 'the retried revocation to be acknowledged');
    expect((await mintOn(b, 'after the thaw')).status).toBe(201);
  }, 60_000);

  it('keeps every acknowledged mint and revocation, answers no 500, and both instances serve again by themselves', async () => {
    const [a, b] = instances;
    // Before the failover: a graph to query and a few tokens on each instance.
    const setup = await mintOn(a, 'setup');
    expect(setup.status).toBe(201);
    const setupToken = (setup.body as { token: string }).token;
    const admin = await call(a, 'POST', '/api/auth/tokens/credentials', json, { username: TEST_USERS.admin.username, password: TEST_USERS.admin.password, host: MASTER, port: 6379, name: 'admin before the failover' });
    expect(admin.status).toBe(201);
    const adminToken = (admin.body as Minted).token;
    expect((await call(a, 'POST', '/api/graph/failover/query', { ...json, ...bearer(setupToken) }, { query: 'UNWIND range(1, 10) AS i CREATE (:N {i: i})' })).status).toBe(200);

    const outcomes: Outcome[] = [];
    const minted: Minted[] = [];
    const revoked: Minted[] = [];
    const record = (instance: Instance, kind: Outcome['kind'], status: number) => outcomes.push({ instance: instance.name, kind, status, at: Date.now() });
    let stopAt = Number.POSITIVE_INFINITY;
    let killedAt = 0;

    const worker = async (instance: Instance, index: number): Promise<void> => {
      for (let step = 0; Date.now() < stopAt; step += 1) {
        const kind = (['mint', 'read', 'query', 'revoke'] as const)[(step + index) % 4];
        if (kind === 'mint') {
          const response = await mintOn(instance, `load ${instance.name}${index}-${step}`);
          record(instance, 'mint', response.status);
          if (response.status === 201) {
            const { token, tokenId } = response.body as Minted;
            minted.push({ token, tokenId });
          }
        } else if (kind === 'revoke') {
          // Revokes a token minted earlier (on either instance), on this instance.
          const victim = minted.length > 4 ? minted.splice(Math.floor(minted.length / 2), 1)[0] : undefined;
          if (!victim) continue;
          const response = await call(instance, 'DELETE', `/api/auth/tokens/${victim.tokenId}`, bearer(setupToken));
          record(instance, 'revoke', response.status);
          // Not acknowledged: its fate is unknown, so it is neither kept nor counted as revoked.
          if (response.status === 200) revoked.push(victim);
        } else if (kind === 'read') {
          const keeper = minted[0] ?? { token: setupToken };
          record(instance, 'read', (await call(instance, 'GET', '/api/auth/tokens/self', bearer(keeper.token))).status);
        } else {
          const response = await call(instance, 'POST', '/api/graph/failover/query', { ...json, ...bearer(setupToken) }, { query: 'MATCH (n:N) RETURN count(n) AS n', readOnly: true });
          record(instance, 'query', response.status);
        }
      }
    };
    const readiness = async (instance: Instance): Promise<void> => {
      while (Date.now() < stopAt) {
        record(instance, 'ready', (await call(instance, 'GET', '/health/ready')).status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    const load = [a, b].flatMap((instance) => [readiness(instance), ...Array.from({ length: WORKERS_PER_INSTANCE }, (_, index) => worker(instance, index))]);
    // A failed wait below must still stop the load (and surface a worker's own error).
    const stopLoad = async (): Promise<void> => {
      stopAt = Math.min(stopAt, Date.now());
      await Promise.all(load);
    };
    try {
      await until(() => minted.length + revoked.length >= 10, 20_000, 'the first mints under load');
    } catch (error) {
      await stopLoad();
      throw new Error(`${(error as Error).message}; statuses so far: ${JSON.stringify(outcomes.map((outcome) => `${outcome.kind} ${outcome.status}`).slice(-20))}`);
    }
    // Any sentinel may be down: the failover below runs with two of the three.
    await deployment.killSentinel(0);
    const oldPrimary = await deployment.currentPrimary();
    killedAt = Date.now();
    await deployment.killPrimary();

    // Load goes on until every kind of request has succeeded again on both instances for a while.
    const recoveredAt = (instance: string, kind: Outcome['kind']) =>
      outcomes.find((outcome) => outcome.instance === instance && outcome.kind === kind && outcome.at > killedAt && outcome.status >= 200 && outcome.status < 300 && outcomes.some((o) => o.instance === instance && o.at > killedAt && o.at <= outcome.at && o.status >= 500))?.at;
    const servingAgain = () =>
      [a, b].every((instance) => {
        const after = outcomes.filter((outcome) => outcome.instance === instance.name && outcome.at > killedAt + 1000);
        return (['mint', 'read', 'query', 'revoke', 'ready'] as const).every((kind) => after.filter((outcome) => outcome.kind === kind).slice(-5).every((outcome) => outcome.status >= 200 && outcome.status < 300) && after.some((outcome) => outcome.kind === kind));
      });
    try {
      await until(servingAgain, 60_000, 'both instances to serve every kind of request again');
      stopAt = Date.now() + 1000;
    } finally {
      await stopLoad();
    }

    const newPrimary = await deployment.currentPrimary();
    expect(newPrimary.port).not.toBe(oldPrimary.port);

    // No 500 (or any other unexpected status) anywhere: during the outage only 503 (and, for a
    // write whose confirmation was cut off by the failover, 503 with its outcome unknown).
    const unexpected = outcomes.filter((outcome) => ![200, 201, 503].includes(outcome.status));
    expect(unexpected).toEqual([]);

    // Every mint that got 201 (and was not revoked) still authenticates, on both instances.
    for (const token of minted) {
      for (const instance of [a, b]) expect({ token: token.tokenId, on: instance.name, status: (await call(instance, 'GET', '/api/auth/tokens/self', bearer(token.token))).status }).toEqual({ token: token.tokenId, on: instance.name, status: 200 });
    }
    // Every revocation that got 200 is still in force, on both instances.
    for (const token of revoked) {
      for (const instance of [a, b]) expect({ token: token.tokenId, on: instance.name, status: (await call(instance, 'GET', '/api/auth/tokens/self', bearer(token.token))).status }).toEqual({ token: token.tokenId, on: instance.name, status: 401 });
    }

    // A token minted before the failover keeps its owner's admin reach after it (the server's name did not change).
    for (const instance of [a, b]) {
      expect((await call(instance, 'GET', `/api/auth/tokens?username=${TEST_USERS.writer.username}&limit=5`, bearer(adminToken))).status).toBe(200);
      // Change tracking follows the new primary too: authentication reads are remembered again.
      const feed = instance.app.app.get(StoreChangeFeed);
      await until(() => feed.generation !== undefined, 10_000, `store change tracking on instance ${instance.name} to follow the new primary`);
    }

    // Readiness said so while there was no primary, and each instance logs the primary it follows now.
    for (const instance of [a, b]) {
      expect(outcomes.some((outcome) => outcome.instance === instance.name && outcome.kind === 'ready' && outcome.status === 503)).toBe(true);
    }
    // (Nest's Logger is process-wide: both in-process instances log through the last one's logger.)
    const following = [a, b].flatMap((instance) => instance.logger.lines).filter((line) => line.includes(`Following the primary of \\"${MASTER}\\" at 127.0.0.1:${newPrimary.port}`));
    expect(following).toHaveLength(2);

    // The outage each instance had: its first 503 after the kill to its first success after that.
    const lines = [a, b].map((instance) => {
      const failures = outcomes.filter((outcome) => outcome.instance === instance.name && outcome.at > killedAt && outcome.status === 503);
      const firstFailure = failures[0]?.at;
      const firstSuccess = outcomes.find((outcome) => outcome.instance === instance.name && firstFailure !== undefined && outcome.at > firstFailure && outcome.status >= 200 && outcome.status < 300 && outcome.kind !== 'ready')?.at;
      const ready = recoveredAt(instance.name, 'ready');
      return `instance ${instance.name}: first 503 ${firstFailure ? firstFailure - killedAt : '-'} ms after the kill, first 2xx ${firstSuccess && firstFailure ? firstSuccess - firstFailure : '-'} ms later (ready again ${ready ? ready - killedAt : '-'} ms after the kill); ${failures.length} requests answered 503`;
    });
    console.log(
      `Failover of "${MASTER}" from 127.0.0.1:${oldPrimary.port} to 127.0.0.1:${newPrimary.port} under load:\n  ${lines.join('\n  ')}\n` +
        `  ${outcomes.length} requests in all; ${minted.length} tokens minted and kept, ${revoked.length} revoked, every one checked on both instances`,
    );
  }, 180_000);
});
