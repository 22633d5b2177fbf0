import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { EventDeliveryWorker } from '../src/event-delivery/event-delivery.worker';
import { TokenLifecycle } from '../src/credentials/token-lifecycle';
import { EmbeddedFalkorDb } from '../src/falkordb/embedded-falkordb';
import { bearer, CreatedToken, mintToken } from './support/api';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { freePort } from './support/free-port';
import { sendToServer } from './support/server-command';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';
import { ReceivedDelivery, WebhookReceiver } from './support/webhook-receiver';

const SECRET = 'webhook-e2e-secret-0123456789abcdefghijkl';
const STORE_PASSWORD = 'store-admin-secret-pw';
const STORE_GRAPH = 'webhook_store';

interface EventBody {
  id: string;
  type: string;
  at: string;
  actor: { username: string | null; token_id: string | null };
  subject: { username: string | null; token_id: string | null };
  detail: Record<string, unknown>;
}

const bodyOf = (delivery: ReceivedDelivery) => JSON.parse(delivery.rawBody) as EventBody;

/** What a receiver checks, written out as the README tells receivers to. */
function signatureIsValid(delivery: ReceivedDelivery, secret = SECRET): boolean {
  const timestamp = String(delivery.headers['x-falkordb-pat-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${delivery.rawBody}`).digest('hex')}`;
  return delivery.headers['x-falkordb-pat-signature'] === expected && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
}

/**
 * The event webhook (issue 25): audit events POSTed, signed, to a real HTTP receiver, from an outbox
 * in the token store, at least once, across retries, instances and restarts.
 */
describe('event webhook (e2e, real FalkorDB, real receiver)', () => {
  let users: FalkorDbTestServer;
  let store: EmbeddedFalkorDb;
  let storeDir: string;
  const apps: TestApp[] = [];
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    users = await FalkorDbTestServer.start();
    storeDir = await mkdtemp(join(tmpdir(), 'pat-webhook-store-'));
    // The token store on a FalkorDB of its own, whose only user (an admin) has a password: isolated.
    store = await EmbeddedFalkorDb.start({ dataDir: storeDir, port: await freePort() });
    await sendToServer(store.port, ['ACL', 'SETUSER', 'default', 'on', 'resetpass', `>${STORE_PASSWORD}`]);
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const receiver of receivers) await receiver.stop();
    await store?.stop();
    await users?.destroy();
    await rm(storeDir, { recursive: true, force: true });
  });

  async function receiver(port?: number): Promise<WebhookReceiver> {
    const started = await WebhookReceiver.start(port);
    receivers.push(started);
    return started;
  }

  async function start(url: string, env: Record<string, string> = {}): Promise<TestApp> {
    const app = await startTestApp({
      FALKORDB_URL: users.url,
      TOKEN_STORE_URL: `redis://default:${STORE_PASSWORD}@127.0.0.1:${store.port}`,
      TOKEN_GRAPH: STORE_GRAPH,
      TOKEN_MAX_ACTIVE_PER_USER: '1000',
      NOTIFY_WEBHOOK_URL: url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      ...env,
    });
    apps.push(app);
    return app;
  }

  async function stop(app: TestApp): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  const mint = (app: TestApp, extra: Record<string, unknown> = {}) => mintToken(app, TEST_USERS.writer, users.port, extra);

  async function revoke(app: TestApp, token: CreatedToken): Promise<void> {
    await request(app.http).delete('/api/auth/tokens/self').set(...bearer(token.token)).expect(200);
  }

  /** The outbox state of the events about a token, as stored. */
  async function deliveryStateOf(tokenId: string, type: string): Promise<Array<{ state: unknown; attempts: unknown }>> {
    const reply = (await sendToServer(
      store.port,
      ['GRAPH.RO_QUERY', STORE_GRAPH, `MATCH (e:AuditEvent {subject_token_id: '${tokenId}', type: '${type}'}) RETURN e.delivery_state, e.delivery_attempts`],
      { username: 'default', password: STORE_PASSWORD },
    )) as [unknown, Array<[unknown, unknown]>];
    return reply[1].map(([state, attempts]) => ({ state, attempts }));
  }

  const deliveriesOf = (to: WebhookReceiver, tokenId: string) => to.received.filter((delivery) => bodyOf(delivery).subject.token_id === tokenId);

  it('POSTs a revocation signed, with its event headers, the audit event as body, and nothing secret', async () => {
    const hooks = await receiver();
    const app = await start(hooks.url());
    const token = await mint(app);
    await revoke(app, token);
    await until(() => deliveriesOf(hooks, token.tokenId).length === 1, 10_000, 'the revocation to be delivered');

    const [delivery] = deliveriesOf(hooks, token.tokenId);
    expect(delivery.path).toBe('/hooks/falkordb-pat');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(signatureIsValid(delivery)).toBe(true);
    expect(signatureIsValid(delivery, `${SECRET}-other`)).toBe(false);
    const body = bodyOf(delivery);
    expect(body).toMatchObject({
      type: 'token.revoked',
      actor: { username: TEST_USERS.writer.username, token_id: token.tokenId },
      subject: { username: TEST_USERS.writer.username, token_id: token.tokenId },
      detail: { reason: 'owner' },
    });
    expect(delivery.headers['x-falkordb-pat-event']).toBe('token.revoked');
    expect(delivery.headers['x-falkordb-pat-delivery']).toBe(body.id);
    expect(body.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(delivery.rawBody).not.toContain(token.token);
    expect(delivery.rawBody).not.toMatch(/hash|password|ciphertext|password_enc/i);
    // The same event is in the audit log under the same id.
    const listed = await request(app.http).get('/api/auth/audit').query({ type: 'token.revoked', token_id: token.tokenId }).set(...bearer((await mint(app)).token)).expect(200);
    expect(listed.body.events.map((event: EventBody) => event.id)).toEqual([body.id]);
    // Marking it delivered left the event as it was (FalkorDB 4.16 drops the wrong properties when one query removes several).
    await until(async () => (await deliveryStateOf(token.tokenId, 'token.revoked'))[0]?.state === 'delivered', 5000, 'the delivery to be recorded');
    expect(Object.keys(body).sort()).toEqual(['actor', 'at', 'detail', 'id', 'ip', 'subject', 'type', 'user_agent']);
    const after = await request(app.http).get('/api/auth/audit').query({ type: 'token.revoked', token_id: token.tokenId }).set(...bearer((await mint(app)).token)).expect(200);
    expect(after.body.events).toEqual([body]);
    // Only the chosen types go out (the default: expiring, reuse, leaked, revoked): not its creation.
    expect(hooks.received.map((received) => bodyOf(received).type)).not.toContain('token.created');
    expect(await deliveryStateOf(token.tokenId, 'token.revoked')).toEqual([{ state: 'delivered', attempts: 1 }]);
    await stop(app);
  });

  it('retries after 500s, with the same delivery id, until the receiver takes it', async () => {
    const hooks = await receiver();
    let failures = 2;
    hooks.answer = () => (failures-- > 0 ? { status: 500 } : { status: 204 });
    const app = await start(hooks.url());
    const token = await mint(app);
    await revoke(app, token);
    await until(() => hooks.accepted.length === 1, 15_000, 'the third attempt to be taken');

    const attempts = deliveriesOf(hooks, token.tokenId);
    expect(attempts.map((attempt) => attempt.status)).toEqual([500, 500, 204]);
    expect(new Set(attempts.map((attempt) => attempt.headers['x-falkordb-pat-delivery'])).size).toBe(1);
    expect(attempts.every((attempt) => signatureIsValid(attempt))).toBe(true);
    expect(await deliveryStateOf(token.tokenId, 'token.revoked')).toEqual([{ state: 'delivered', attempts: 3 }]);
    await stop(app);
  });

  it('retries after a refused connection, and delivers once the receiver is up', async () => {
    const port = await freePort();
    const app = await start(`http://127.0.0.1:${port}/hooks`);
    const token = await mint(app);
    await revoke(app, token);
    await until(async () => (await deliveryStateOf(token.tokenId, 'token.revoked'))[0]?.state === 'retrying', 10_000, 'a refused attempt to be recorded');

    const hooks = await receiver(port);
    await until(() => hooks.accepted.length === 1, 15_000, 'the delivery once the receiver listens');
    expect(bodyOf(hooks.accepted[0]).subject.token_id).toBe(token.tokenId);
    expect((await deliveryStateOf(token.tokenId, 'token.revoked'))[0]).toMatchObject({ state: 'delivered' });
    await stop(app);
  });

  it('does not follow a redirect: the event stays undelivered and is retried', async () => {
    const elsewhere = await receiver();
    const hooks = await receiver();
    hooks.answer = () => ({ status: 307, headers: { location: elsewhere.url('/stolen') } });
    const app = await start(hooks.url(), { NOTIFY_MAX_ATTEMPTS: '2' });
    const token = await mint(app);
    await revoke(app, token);
    await until(async () => (await deliveryStateOf(token.tokenId, 'token.revoked'))[0]?.state === 'failed', 15_000, 'the event to fail after 2 attempts');
    expect(deliveriesOf(hooks, token.tokenId)).toHaveLength(2);
    expect(elsewhere.received).toEqual([]);
    await stop(app);
  });

  it('answers requests while the receiver hangs (delivery is off the request path)', async () => {
    const hooks = await receiver();
    hooks.answer = () => 'hang';
    const app = await start(hooks.url());
    const first = await mint(app);
    await revoke(app, first);
    await until(() => hooks.received.length === 1, 10_000, 'a delivery to be under way');
    // While that delivery waits for its answer, the service keeps answering, revocations included.
    const second = await mint(app);
    await revoke(app, second);
    await request(app.http).get('/api/auth/tokens/self').set(...bearer((await mint(app)).token)).expect(200);
    expect(hooks.accepted).toEqual([]);
    await stop(app);
  });

  it('delivers each event once with two instances draining the same outbox', async () => {
    const hooks = await receiver();
    const a = await start(hooks.url());
    const b = await start(hooks.url());
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, index) => mint(index % 2 ? a : b)));
    await Promise.all(tokens.map((token, index) => revoke(index % 2 ? b : a, token)));
    const ids = new Set(tokens.map((token) => token.tokenId));
    const ours = () => hooks.received.filter((delivery) => ids.has(String(bodyOf(delivery).subject.token_id)));
    await until(() => ours().length >= tokens.length, 15_000, 'every revocation to be delivered');
    // Both instances keep polling: nothing more arrives once every event is marked delivered.
    await until(async () => (await Promise.all(tokens.map((token) => deliveryStateOf(token.tokenId, 'token.revoked')))).every(([row]) => row?.state === 'delivered'), 10_000, 'every event settled');
    await Promise.all([a.app.get(EventDeliveryWorker).drain(), b.app.get(EventDeliveryWorker).drain()]);
    expect(ours()).toHaveLength(tokens.length);
    expect(new Set(ours().map((delivery) => bodyOf(delivery).id)).size).toBe(tokens.length);
    await stop(a);
    await stop(b);
  });

  it('resumes delivery after a restart with events pending', async () => {
    const hooks = await receiver();
    hooks.answer = () => ({ status: 503 });
    const app = await start(hooks.url());
    const tokens = [await mint(app), await mint(app), await mint(app)];
    for (const token of tokens) await revoke(app, token);
    await until(() => hooks.received.length >= 3, 10_000, 'the first attempts');
    await stop(app);

    hooks.answer = () => ({ status: 200 });
    const restarted = await start(hooks.url());
    await until(() => hooks.accepted.length === 3, 15_000, 'the pending events after the restart');
    expect(new Set(hooks.accepted.map((delivery) => bodyOf(delivery).subject.token_id))).toEqual(new Set(tokens.map((token) => token.tokenId)));
    await stop(restarted);
  });

  it('delivers expiry notices (token.expiring), and every type with NOTIFY_EVENTS=*', async () => {
    const hooks = await receiver();
    const app = await start(hooks.url(), { NOTIFY_EVENTS: '*', EXPIRY_NOTICE_DAYS: '7,1' });
    const token = await mint(app, { ttlSeconds: 2 * 24 * 3600 });
    await app.app.get(TokenLifecycle).scan(Date.now());
    await until(() => deliveriesOf(hooks, token.tokenId).some((delivery) => bodyOf(delivery).type === 'token.expiring'), 10_000, 'the expiry notice');
    const notice = deliveriesOf(hooks, token.tokenId).find((delivery) => bodyOf(delivery).type === 'token.expiring')!;
    expect(bodyOf(notice)).toMatchObject({ actor: { username: null, token_id: null }, detail: { expires_at: token.expiresAt, threshold_days: 7 } });
    expect(bodyOf(notice).detail.days_left).toBeCloseTo(2, 1);
    expect(deliveriesOf(hooks, token.tokenId).map((delivery) => bodyOf(delivery).type)).toContain('token.created');
    await stop(app);
  });

  it('signs nothing from a store other FalkorDB users can write, unless the operator accepts it (TOKEN_STORE_EXPOSURE=accept)', async () => {
    const hooks = await receiver();
    // The store in the users' own server, where pat_writer may write: exposed.
    const exposed = await startTestApp({ FALKORDB_URL: users.url, TOKEN_GRAPH: 'webhook_exposed', NOTIFY_WEBHOOK_URL: hooks.url(), NOTIFY_WEBHOOK_SECRET: SECRET });
    apps.push(exposed);
    expect((await request(exposed.http).get('/health/ready').expect(200)).body.tokenStore).toBe('exposed');
    const token = await mintToken(exposed, TEST_USERS.writer, users.port);
    await revoke(exposed, token);
    // An event a store writer forged, put in the outbox as the service would.
    await sendToServer(
      users.port,
      [
        'GRAPH.QUERY',
        'webhook_exposed',
        `CREATE (:AuditEvent {event_id: 'forged', at: ${Date.now()}, type: 'token.revoked', host: 'localhost', port: 1, subject_username: 'pat_admin', detail: '{}', delivery_due: 1})`,
      ],
      TEST_USERS.writer,
    );
    expect(await exposed.app.get(EventDeliveryWorker).drain()).toBe(0);
    expect(hooks.received).toEqual([]);
    await stop(exposed);

    const accepted = await startTestApp({
      FALKORDB_URL: users.url,
      TOKEN_GRAPH: 'webhook_exposed',
      TOKEN_STORE_EXPOSURE: 'accept',
      NOTIFY_WEBHOOK_URL: hooks.url(),
      NOTIFY_WEBHOOK_SECRET: SECRET,
    });
    apps.push(accepted);
    await until(() => hooks.accepted.length === 2, 10_000, 'the held events once the operator accepted the store');
    expect(hooks.accepted.map((delivery) => bodyOf(delivery).id).sort()).toEqual(['forged', expect.any(String)].sort());
    await stop(accepted);
  });
});
