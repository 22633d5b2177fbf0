import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FalkorDB } from 'falkordb';
import request from 'supertest';
import { AuditEventAggregator, MAX_KEYS_PER_MINUTE } from '../src/audit/audit-event-aggregator';
import { bearer, CreatedToken, logIn, SAME_ORIGIN } from './support/api';
import { fakeDateOnly } from './support/clock';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { connectPlainClient } from './support/seed-tokens';
import { startTestApp, TestApp } from './support/test-app';

interface Party {
  username: string | null;
  token_id: string | null;
}

interface AuditEventBody {
  id: string;
  at: string;
  type: string;
  actor: Party;
  subject: Party;
  ip: string | null;
  user_agent: string | null;
  detail: Record<string, unknown>;
}

const MINUTE = 60_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('usage and the audit log (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let client: FalkorDB;
  let admin: CreatedToken;
  /** Every token this suite minted: no event may contain one. */
  const minted: string[] = [];

  /** A request from `ip` (the app trusts X-Forwarded-For here) with a User-Agent. */
  const from = (ip: string, userAgent = 'audit-e2e/1.0') => ({ 'X-Forwarded-For': ip, 'User-Agent': userAgent });

  const mint = async (user: { username: string; password: string }, extra: Record<string, unknown> = {}, headers = from('198.51.100.1')) => {
    const response = await request(app.http)
      .post('/api/auth/tokens/credentials')
      .set(headers)
      .send({ username: user.username, password: user.password, host: 'localhost', port: String(server.port), name: 'audited', ...extra })
      .expect(201);
    minted.push(response.body.token);
    return response.body as CreatedToken;
  };

  /** Every event `auth` may see matching `query`, newest first, page after page. */
  async function events(auth: [string, string], query: Record<string, string | number> = {}): Promise<AuditEventBody[]> {
    await app.app.get(AuditEventAggregator).flush();
    const all: AuditEventBody[] = [];
    let cursor: string | undefined;
    do {
      const response = await request(app.http)
        .get('/api/auth/audit')
        .query({ limit: 200, ...query, ...(cursor ? { cursor } : {}) })
        .set(...auth)
        .expect(200);
      expect(Object.keys(response.body).sort()).toEqual(['events', 'next_cursor']);
      all.push(...(response.body.events as AuditEventBody[]));
      cursor = response.body.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }

  const ofToken = (list: AuditEventBody[], tokenId: string) => list.filter((event) => event.subject.token_id === tokenId);

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url, TRUST_PROXY: 'true', TOKEN_MAX_ACTIVE_PER_USER: '1000' });
    client = await connectPlainClient(server.port);
    admin = await mint(TEST_USERS.admin, { name: 'auditor' }, from('192.0.2.250'));
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
    await server?.destroy();
  });

  afterEach(() => vi.useRealTimers());

  describe('usage', () => {
    it('records the address, the user agent (cut to 200 characters) and up to 5 recent addresses, newest first', async () => {
      const start = Date.now();
      fakeDateOnly(start);
      const token = await mint(TEST_USERS.writer, { name: 'usage' });
      const self = (ip: string, userAgent?: string) => request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token)).set(from(ip, userAgent)).expect(200);
      const first = await self('203.0.113.1', `probe/${'x'.repeat(300)}`);
      expect(first.body.token).toMatchObject({
        last_used: expect.stringMatching(ISO),
        last_used_ip: '203.0.113.1',
        last_used_user_agent: `probe/${'x'.repeat(194)}`,
        recent_ips: ['203.0.113.1'],
      });
      // Seven more addresses, a minute apart each (a new address is written at most once a minute).
      for (let index = 2; index <= 8; index++) {
        vi.setSystemTime(start + (index - 1) * MINUTE);
        await self(`203.0.113.${index}`, 'curl/8.5.0');
      }
      const listed = (await request(app.http).get('/api/auth/tokens/self').set(...bearer(token.token)).set(from('203.0.113.8')).expect(200)).body.token;
      expect(listed).toMatchObject({ last_used_ip: '203.0.113.8', last_used_user_agent: 'curl/8.5.0', recent_ips: ['203.0.113.8', '203.0.113.7', '203.0.113.6', '203.0.113.5', '203.0.113.4'] });
    });

    it('writes a new address at most once a minute, and a known one with last_used at most every 5 minutes', async () => {
      const start = Date.now();
      fakeDateOnly(start);
      const token = await mint(TEST_USERS.writer, { name: 'throttled' });
      const use = (ip: string) => request(app.http).get('/api/auth/tokens').set(...bearer(token.token)).set(from(ip)).expect(200);
      const stored = async () => (await client.selectGraph('token_management').roQuery<{ last_used: number; recent: string[] }>(
        'MATCH (t:Token {token_id: $id}) RETURN t.last_used AS last_used, t.recent_ips AS recent',
        { params: { id: token.tokenId } },
      )).data![0];
      await use('192.0.2.1');
      expect(await stored()).toEqual({ last_used: start, recent: ['192.0.2.1'] });
      vi.setSystemTime(start + 30_000);
      await use('192.0.2.2'); // new, but within the minute: not written
      await use('192.0.2.1');
      expect(await stored()).toEqual({ last_used: start, recent: ['192.0.2.1'] });
      vi.setSystemTime(start + MINUTE);
      await use('192.0.2.2');
      expect(await stored()).toEqual({ last_used: start + MINUTE, recent: ['192.0.2.2', '192.0.2.1'] });
      vi.setSystemTime(start + MINUTE + 4 * MINUTE);
      await use('192.0.2.1'); // known address, last_used 4 minutes old: not written
      expect((await stored()).last_used).toBe(start + MINUTE);
      vi.setSystemTime(start + 6 * MINUTE);
      await use('192.0.2.1');
      expect(await stored()).toEqual({ last_used: start + 6 * MINUTE, recent: ['192.0.2.1', '192.0.2.2'] });
      const newIps = ofToken(await events(bearer(admin.token), { type: 'token.new_ip', token_id: token.tokenId }), token.tokenId);
      expect(newIps.map((event) => event.ip)).toEqual(['192.0.2.2', '192.0.2.1']);
      expect(newIps[0]).toMatchObject({ actor: { username: TEST_USERS.writer.username, token_id: token.tokenId }, user_agent: 'audit-e2e/1.0' });
    });
  });

  describe('events', () => {
    it('records token events with who did it, whom it is about, from where, in the same write as the change', async () => {
      const writer = await mint(TEST_USERS.writer, { name: 'lifecycle', ttlSeconds: 3600 }, from('198.51.100.7', 'ci-runner/2.1'));
      const rotated = (await request(app.http).post(`/api/auth/tokens/${writer.tokenId}/rotate`).set(...bearer(writer.token)).set(from('198.51.100.8')).expect(201)).body as CreatedToken;
      minted.push(rotated.token);
      await request(app.http).delete(`/api/auth/tokens/${rotated.tokenId}`).set(...bearer(admin.token)).set(from('192.0.2.250')).expect(200);
      // Revoking again changes nothing, and records nothing.
      await request(app.http).delete(`/api/auth/tokens/${rotated.tokenId}`).set(...bearer(admin.token)).expect(200);

      const about = async (tokenId: string, type: string) => ofToken(await events(bearer(admin.token), { token_id: tokenId, type }), tokenId);
      const [[created], [rotation], [revocation], [createdByRotation], [firstUse]] = [
        await about(writer.tokenId, 'token.created'),
        await about(writer.tokenId, 'token.rotated'),
        await about(rotated.tokenId, 'token.revoked'),
        await about(rotated.tokenId, 'token.created'),
        await about(writer.tokenId, 'token.new_ip'),
      ];
      expect(created).toMatchObject({
        type: 'token.created',
        at: expect.stringMatching(ISO),
        actor: { username: TEST_USERS.writer.username, token_id: null },
        subject: { username: TEST_USERS.writer.username, token_id: writer.tokenId },
        ip: '198.51.100.7',
        user_agent: 'ci-runner/2.1',
        detail: { name: 'lifecycle', expires_at: writer.expiresAt, access: 'read-write', graphs: null, allowed_ips: null },
      });
      expect(rotation).toMatchObject({
        type: 'token.rotated',
        actor: { username: TEST_USERS.writer.username, token_id: writer.tokenId },
        ip: '198.51.100.8',
        detail: { reason: 'rotated', rotated_to: rotated.tokenId },
      });
      expect(revocation).toMatchObject({
        type: 'token.revoked',
        actor: { username: TEST_USERS.admin.username, token_id: admin.tokenId },
        subject: { username: TEST_USERS.writer.username, token_id: rotated.tokenId },
        detail: { reason: 'admin' },
      });
      expect(createdByRotation).toMatchObject({ type: 'token.created', subject: { token_id: rotated.tokenId }, detail: { rotated_from: writer.tokenId } });
      // Its first use (the rotation request) came from an address it had not been used from.
      expect(firstUse).toMatchObject({ ip: '198.51.100.8', actor: { token_id: writer.tokenId } });
      expect(ofToken(await events(bearer(admin.token), { token_id: rotated.tokenId }), rotated.tokenId).map((event) => event.type)).toEqual(['token.revoked', 'token.created']);
    });

    it('records bulk, leaked and reuse revocations, one event per token revoked', async () => {
      const reader = await mint(TEST_USERS.reader, { name: 'bulk 1' });
      const second = await mint(TEST_USERS.reader, { name: 'bulk 2' });
      const session = await logIn(app, TEST_USERS.reader, server.port);
      const bulk = await request(app.http).delete('/api/auth/tokens').set('Cookie', session).set(SAME_ORIGIN).set(from('198.51.100.20')).expect(200);
      expect(bulk.body.revoked).toBeGreaterThanOrEqual(2);
      const bulkEvents = (await events(bearer(admin.token), { type: 'token.bulk_revoked', username: TEST_USERS.reader.username })).filter((event) =>
        [reader.tokenId, second.tokenId].includes(event.subject.token_id!),
      );
      expect(bulkEvents).toHaveLength(2);
      expect(bulkEvents[0]).toMatchObject({ actor: { username: TEST_USERS.reader.username, token_id: null }, ip: '198.51.100.20', detail: { reason: 'bulk' } });

      const leaked = await mint(TEST_USERS.writer, { name: 'leaked' });
      await request(app.http).post('/api/auth/tokens/revoke-leaked').set(from('198.51.100.30', 'secret-scanner')).send({ tokens: [leaked.token] }).expect(202);
      expect(ofToken(await events(bearer(admin.token), { type: 'token.leaked_revoked' }), leaked.tokenId)).toEqual([
        expect.objectContaining({ actor: { username: null, token_id: null }, ip: '198.51.100.30', user_agent: 'secret-scanner', detail: { reason: 'leaked' } }),
      ]);

      const first = await mint(TEST_USERS.writer, { name: 'chain' });
      const next = (await request(app.http).post(`/api/auth/tokens/${first.tokenId}/rotate`).set(...bearer(first.token)).expect(201)).body as CreatedToken;
      minted.push(next.token);
      await request(app.http).get('/api/auth/tokens').set(...bearer(first.token)).set(from('203.0.113.66')).expect(401);
      expect(ofToken(await events(bearer(admin.token), { type: 'token.reuse_detected' }), next.tokenId)).toEqual([
        expect.objectContaining({ ip: '203.0.113.66', detail: { reason: 'reuse_detected', reused_token_id: first.tokenId } }),
      ]);
    });

    it('records session logins and logouts', async () => {
      const cookie = await logIn(app, TEST_USERS.writer, server.port);
      await request(app.http).post('/api/auth/logout').set('Cookie', cookie).set(SAME_ORIGIN).set(from('198.51.100.40')).expect(204);
      const [logout, login] = await events(bearer(admin.token), { username: TEST_USERS.writer.username, type: 'session.logout' }).then(async (logouts) => [
        logouts[0],
        (await events(bearer(admin.token), { username: TEST_USERS.writer.username, type: 'session.login' }))[0],
      ]);
      expect(logout).toMatchObject({ actor: { username: TEST_USERS.writer.username, token_id: null }, subject: { username: TEST_USERS.writer.username, token_id: null }, ip: '198.51.100.40' });
      expect(login).toMatchObject({ type: 'session.login', subject: { username: TEST_USERS.writer.username, token_id: null } });
    });

    it('records uses from outside allowedIps as token.ip_denied, one event a minute with the count', async () => {
      fakeDateOnly(Date.now());
      const limited = await mint(TEST_USERS.writer, { name: 'limited', allowedIps: ['10.0.0.0/8'] });
      for (let attempt = 0; attempt < 4; attempt++) {
        await request(app.http).get('/api/auth/tokens').set(...bearer(limited.token)).set(from('203.0.113.99')).expect(403);
      }
      // Refused uses are not uses: the token still has none recorded.
      const stored = (await client.selectGraph('token_management').roQuery('MATCH (t:Token {token_id: $id}) RETURN t.last_used AS used, t.recent_ips AS recent', { params: { id: limited.tokenId } })).data;
      expect(stored).toEqual([{ used: null, recent: null }]);
      expect(ofToken(await events(bearer(admin.token), { type: 'token.ip_denied' }), limited.tokenId)).toEqual([
        expect.objectContaining({ ip: '203.0.113.99', subject: { username: TEST_USERS.writer.username, token_id: limited.tokenId }, detail: expect.objectContaining({ allowed_ips: ['10.0.0.0/8'], count: 4 }) }),
      ]);
    });
  });

  describe('auth.failed, aggregated', () => {
    it('a burst of failures becomes one event per credential or username and minute, with the count', async () => {
      fakeDateOnly(Date.now());
      const readersOwn = await mint(TEST_USERS.reader, { name: 'reader looks' });
      // Failed logins (10 per username before 429, which is not a failure of the password).
      for (let attempt = 0; attempt < 10; attempt++) {
        await request(app.http)
          .post('/api/auth/login')
          .set(from(`198.51.100.${100 + attempt}`))
          .send({ username: TEST_USERS.reader.username, password: `wrong-${attempt}`, host: 'localhost', port: server.port })
          .expect(401);
      }
      // A revoked token presented again and again.
      const revoked = await mint(TEST_USERS.writer, { name: 'revoked and retried' });
      await request(app.http).delete(`/api/auth/tokens/${revoked.tokenId}`).set(...bearer(revoked.token)).expect(200);
      for (let attempt = 0; attempt < 12; attempt++) await request(app.http).get('/api/auth/tokens').set(...bearer(revoked.token)).set(from('203.0.113.12')).expect(401);

      const failures = await events(bearer(admin.token), { type: 'auth.failed' });
      const logins = failures.filter((event) => event.subject.username === TEST_USERS.reader.username && event.detail.credential === 'password');
      expect(logins).toEqual([expect.objectContaining({ subject: { username: TEST_USERS.reader.username, token_id: null }, detail: expect.objectContaining({ reason: 'invalid_credentials', count: 10 }) })]);
      expect(ofToken(failures, revoked.tokenId)).toEqual([
        expect.objectContaining({ subject: { username: TEST_USERS.writer.username, token_id: revoked.tokenId }, ip: '203.0.113.12', detail: expect.objectContaining({ credential: 'pat', reason: 'revoked', count: 12 }) }),
      ]);
      // The reader sees the failed logins on its own name.
      expect((await events(bearer(readersOwn.token), { type: 'auth.failed' })).length).toBeGreaterThanOrEqual(1);
    });

    it('many different garbage credentials in a minute cannot flood the store: past the limit they are one event', async () => {
      // A minute of its own, so only these count against the per-minute limit.
      const minute = Math.floor(Date.now() / MINUTE) * MINUTE + 5 * MINUTE;
      fakeDateOnly(minute);
      const garbage = MAX_KEYS_PER_MINUTE + 50;
      for (let index = 0; index < garbage; index++) {
        await request(app.http).get('/api/auth/tokens').set('Authorization', `Bearer not.a-token.${index}`).set(from('203.0.113.77')).expect(401);
      }
      const written = (await events(bearer(admin.token), { type: 'auth.failed', since: new Date(minute).toISOString() })).filter((event) => event.ip === '203.0.113.77');
      expect(written).toHaveLength(MAX_KEYS_PER_MINUTE + 1);
      expect(written.reduce((sum, event) => sum + Number(event.detail.count), 0)).toBe(garbage);
      expect(written.filter((event) => event.detail.reason === 'many_distinct')).toEqual([expect.objectContaining({ detail: expect.objectContaining({ count: 50 }) })]);
    });
  });

  describe('who sees what', () => {
    it('a user sees only events about themselves, through every filter; naming another user is 403', async () => {
      const writer = await mint(TEST_USERS.writer, { name: 'looker' });
      const mine = await events(bearer(writer.token));
      expect(mine.length).toBeGreaterThan(5);
      expect(new Set(mine.map((event) => event.subject.username))).toEqual(new Set([TEST_USERS.writer.username]));
      const queries: Array<Record<string, string>> = [
        { token_id: admin.tokenId },
        { type: 'auth.failed' },
        { type: 'token.created', since: '2000-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z' },
        { username: TEST_USERS.writer.username },
      ];
      for (const query of queries) {
        const seen = await events(bearer(writer.token), query);
        expect({ query, others: seen.filter((event) => event.subject.username !== TEST_USERS.writer.username) }).toEqual({ query, others: [] });
      }
      expect(await events(bearer(writer.token), { token_id: admin.tokenId })).toEqual([]);
      const refused = await request(app.http).get('/api/auth/audit').query({ username: TEST_USERS.admin.username }).set(...bearer(writer.token)).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    });

    it("an admin sees the server's events, or one user's with username; pages run newest first", async () => {
      const all = await events(bearer(admin.token));
      expect(new Set(all.map((event) => event.subject.username))).toEqual(
        new Set([TEST_USERS.admin.username, TEST_USERS.writer.username, TEST_USERS.reader.username, null]),
      );
      const readers = await events(bearer(admin.token), { username: TEST_USERS.reader.username });
      expect(readers.length).toBeGreaterThan(0);
      expect(readers.every((event) => event.subject.username === TEST_USERS.reader.username)).toBe(true);
      const paged = await events(bearer(admin.token), { limit: 7 });
      expect(paged.map((event) => event.id)).toEqual(all.map((event) => event.id));
      const times = all.map((event) => Date.parse(event.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it("refuses a forged, altered or another query's cursor (400)", async () => {
      const page = await request(app.http).get('/api/auth/audit').query({ limit: 3 }).set(...bearer(admin.token)).expect(200);
      const cursor = page.body.next_cursor as string;
      for (const [query, bad] of [
        [{ limit: 3 }, 'c1.W1sxLCJ4IiwxXQ.AAAA'],
        [{ limit: 3 }, `${cursor}x`],
        [{ limit: 3, type: 'token.created' }, cursor],
      ] as const) {
        const refused = await request(app.http).get('/api/auth/audit').query({ ...query, cursor: bad }).set(...bearer(admin.token)).expect(400);
        expect(refused.body.errors).toEqual({ cursor: [expect.stringContaining('cursor is not valid')] });
      }
      const writer = await mint(TEST_USERS.writer, { name: 'cursor thief' });
      await request(app.http).get('/api/auth/audit').query({ limit: 3, cursor }).set(...bearer(writer.token)).expect(400);
    });
  });

  it('no event holds a token, a password, a stored hash or a sealed password', async () => {
    const graph = client.selectGraph('token_management');
    const secrets = [
      ...minted,
      ...Object.values(TEST_USERS).map((user) => user.password),
      ...(await graph.roQuery<{ secret: string }>('MATCH (c) WHERE c:Token OR c:Session UNWIND [c.token_hash, c.session_hash, c.password_enc] AS secret WITH secret WHERE secret IS NOT NULL RETURN secret')).data!.map((row) => row.secret),
    ];
    expect(secrets.length).toBeGreaterThan(40);
    const listed = JSON.stringify(await events(bearer(admin.token)));
    const stored = JSON.stringify((await graph.roQuery('MATCH (e:AuditEvent) RETURN properties(e) AS event')).data);
    for (const secret of secrets) {
      expect(listed).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });

  it("answers the OpenAPI query examples (what Swagger UI's Try it out sends) of both listings with 200", async () => {
    const document = JSON.parse(await readFile(join(__dirname, '..', 'openapi.json'), 'utf8')) as {
      paths: Record<string, { get: { parameters: Array<{ name: string; in: string; schema: { example?: unknown } }> } }>;
    };
    for (const path of ['/api/auth/tokens', '/api/auth/audit']) {
      const query = Object.fromEntries(
        document.paths[path].get.parameters.filter((parameter) => parameter.in === 'query' && parameter.schema.example !== undefined).map((parameter) => [parameter.name, String(parameter.schema.example)]),
      );
      expect(Object.keys(query).length).toBeGreaterThan(1);
      await request(app.http).get(path).query(query).set(...bearer(admin.token)).expect(200);
    }
  });
});
