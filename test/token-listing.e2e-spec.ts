import { FalkorDB } from 'falkordb';
import request from 'supertest';
import { bearer, CreatedToken, logIn, mintToken } from './support/api';
import { fakeDateOnly } from './support/clock';
import { FalkorDbTestServer, TEST_USERS } from './support/falkordb-test-server';
import { connectPlainClient } from './support/seed-tokens';
import { startTestApp, TestApp } from './support/test-app';

const SORTS = ['-created_at', 'created_at', 'expires_at', '-expires_at', 'last_used', '-last_used'] as const;
type Sort = (typeof SORTS)[number];
const MINUTE = 60_000;
const TOKENS = 250;

interface StoredToken {
  id: string;
  username: string;
  name: string;
  revoked: boolean;
  expiresAt: number | null;
  lastUsed: number | null;
  keys: Record<'created_at' | 'expires_at' | 'last_used', number>;
}

interface Listed {
  token_id: string;
  username: string;
}

/** GET /api/auth/tokens, page after page; fails on a duplicate or an oversized page. */
async function listAll(app: TestApp, auth: [string, string], query: Record<string, string | number>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const response = await request(app.http)
      .get('/api/auth/tokens')
      .query({ ...query, ...(cursor ? { cursor } : {}) })
      .set(...auth)
      .expect(200);
    const { tokens, count, next_cursor: next } = response.body as { tokens: Listed[]; count: number; next_cursor: string | null };
    expect(count).toBe(tokens.length);
    if (query.limit !== undefined) expect(tokens.length).toBeLessThanOrEqual(Number(query.limit));
    ids.push(...tokens.map((token) => token.token_id));
    cursor = next ?? undefined;
    pages += 1;
    expect(pages).toBeLessThan(1000);
  } while (cursor);
  expect(new Set(ids).size).toBe(ids.length);
  return { ids, pages };
}

/** The order a sort defines, from what is stored (keys to the millisecond, ties by token id). */
function sorted(tokens: StoredToken[], sort: Sort): string[] {
  const field = sort.replace('-', '') as keyof StoredToken['keys'];
  const sign = sort.startsWith('-') ? -1 : 1;
  return [...tokens]
    .sort((a, b) => sign * (a.keys[field] - b.keys[field]) || sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((token) => token.id);
}

describe('listing tokens: filters, sorting, paging (e2e, real FalkorDB)', () => {
  let server: FalkorDbTestServer;
  let app: TestApp;
  let client: FalkorDB;
  let writerSession: [string, string];
  let admin: CreatedToken;
  let reader: CreatedToken;
  const now = Date.now();
  /** Minted one every 7 minutes before `now`. */
  const start = now - TOKENS * 7 * MINUTE;
  /** An expiry several tokens share, to the second: a tie group in `expires_at` order. */
  const sharedExpiry = new Date(now + 40 * 24 * 3600_000);
  sharedExpiry.setUTCMilliseconds(0);

  /** What the store holds for a user's tokens, with the keys the sorts use. */
  async function storedTokens(username: string): Promise<StoredToken[]> {
    const reply = await client.selectGraph('token_management').roQuery<Record<string, unknown>>(
      `MATCH (t:Token {username: $username})
       RETURN t.token_id AS id, t.username AS username, t.name AS name, t.revoked AS revoked, t.expires_at AS expires_at, t.last_used AS last_used,
         t.created_at AS created_at, t.expires_order AS expires_order, t.last_used_order AS last_used_order`,
      { params: { username } },
    );
    return (reply.data ?? []).map((row) => ({
      id: String(row.id),
      username: String(row.username),
      name: String(row.name),
      revoked: row.revoked === true,
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      lastUsed: row.last_used === null ? null : Number(row.last_used),
      keys: { created_at: Number(row.created_at), expires_at: Number(row.expires_order), last_used: Number(row.last_used_order) },
    }));
  }

  beforeAll(async () => {
    server = await FalkorDbTestServer.start();
    app = await startTestApp({ FALKORDB_URL: server.url, TOKEN_MAX_ACTIVE_PER_USER: '1000', TRUST_PROXY: 'true' });
    client = await connectPlainClient(server.port);
    // 250 tokens of one user over 29 hours: never-expiring, sharing an expiry, expiring within the
    // hour (expired by now), used and never used, revoked.
    fakeDateOnly(start);
    for (let index = 0; index < TOKENS; index++) {
      vi.setSystemTime(start + index * 7 * MINUTE);
      const lifetime =
        index % 3 === 0 ? {} : index % 5 === 1 ? { expiresAt: sharedExpiry.toISOString() } : index % 11 === 2 ? { ttlSeconds: 600 } : { ttlSeconds: 3600 * (1 + ((index * 37) % 500)) };
      const minted = await mintToken(app, TEST_USERS.writer, server.port, { name: `${index % 2 ? 'Alpha' : 'beta'} job ${index}`, ...lifetime });
      if (index % 4 === 0) {
        vi.setSystemTime(start + index * 7 * MINUTE + 1000);
        await request(app.http).get('/api/auth/tokens/self').set(...bearer(minted.token)).set('X-Forwarded-For', `10.1.${index % 7}.${index % 5}`).expect(200);
      }
      if (index % 10 === 3) await request(app.http).delete(`/api/auth/tokens/${minted.tokenId}`).set(...bearer(minted.token)).expect(200);
    }
    vi.setSystemTime(now);
    for (let index = 0; index < 20; index++) reader = await mintToken(app, TEST_USERS.reader, server.port, { name: `reader ${index}` });
    admin = await mintToken(app, TEST_USERS.admin, server.port, { name: 'admin lister' });
    writerSession = ['Cookie', await logIn(app, TEST_USERS.writer, server.port)];
  }, 120_000);

  afterAll(async () => {
    vi.useRealTimers();
    await client?.close();
    await app?.close();
    await server?.destroy();
  });

  it('has what the listings are checked against: nulls in both sorts, a tie group, expired and revoked tokens', async () => {
    const writers = await storedTokens(TEST_USERS.writer.username);
    expect(writers).toHaveLength(TOKENS);
    expect(writers.filter((token) => token.expiresAt === null).length).toBeGreaterThan(50);
    expect(writers.filter((token) => token.lastUsed === null).length).toBeGreaterThan(100);
    expect(writers.filter((token) => token.expiresAt === sharedExpiry.getTime()).length).toBeGreaterThan(10);
    expect(writers.filter((token) => token.expiresAt !== null && token.expiresAt <= now && !token.revoked).length).toBeGreaterThan(3);
    expect(writers.filter((token) => token.revoked).length).toBe(25);
  });

  it.each(SORTS)('pages through all 250 tokens exactly once, in %s order, whatever the page size', async (sort) => {
    const expected = sorted(await storedTokens(TEST_USERS.writer.username), sort);
    for (const limit of [7, 50, 200]) {
      const { ids, pages } = await listAll(app, writerSession, { state: 'all', sort, limit });
      expect(ids).toEqual(expected);
      expect(pages).toBeGreaterThanOrEqual(Math.ceil(TOKENS / limit));
    }
  });

  it('defines where nulls go: never-expiring last for expires_at (first for -expires_at), never-used first for last_used (last for -last_used)', async () => {
    const byId = new Map((await storedTokens(TEST_USERS.writer.username)).map((token) => [token.id, token]));
    const nullsOf = async (sort: Sort, isNull: (token: StoredToken) => boolean) => (await listAll(app, writerSession, { state: 'all', sort, limit: 200 })).ids.map((id) => isNull(byId.get(id)!));
    const neverExpires = (token: StoredToken) => token.expiresAt === null;
    const neverUsed = (token: StoredToken) => token.lastUsed === null;
    const asc = await nullsOf('expires_at', neverExpires);
    expect(asc.indexOf(true)).toBe(asc.length - asc.filter(Boolean).length);
    const desc = await nullsOf('-expires_at', neverExpires);
    expect(desc.lastIndexOf(true)).toBe(desc.filter(Boolean).length - 1);
    const lru = await nullsOf('last_used', neverUsed);
    expect(lru.lastIndexOf(true)).toBe(lru.filter(Boolean).length - 1);
    const mru = await nullsOf('-last_used', neverUsed);
    expect(mru.indexOf(true)).toBe(mru.length - mru.filter(Boolean).length);
  });

  it('combines filters: state, name (case-insensitive), expires_before and last_used_before, in any sort', async () => {
    const tokens = await storedTokens(TEST_USERS.writer.username);
    const expiresBefore = now + 100 * 3600_000 + 500;
    const lastUsedBefore = start + 120 * 7 * MINUTE + 500;
    const isActive = (token: StoredToken) => !token.revoked && (token.expiresAt === null || token.expiresAt > now);
    const cases: Array<[Record<string, string>, (token: StoredToken) => boolean]> = [
      [{ state: 'active' }, isActive],
      [{ state: 'expired' }, (token) => !token.revoked && token.expiresAt !== null && token.expiresAt <= now],
      [{ state: 'revoked' }, (token) => token.revoked],
      [{ state: 'all', name: 'ALPHA' }, (token) => token.name.startsWith('Alpha')],
      [{ state: 'active', name: 'job 1' }, (token) => isActive(token) && token.name.includes('job 1')],
      [{ state: 'all', expires_before: new Date(expiresBefore).toISOString() }, (token) => token.expiresAt !== null && token.expiresAt < expiresBefore],
      // A token never used counts as used before any time.
      [{ state: 'all', last_used_before: new Date(lastUsedBefore).toISOString() }, (token) => token.lastUsed === null || token.lastUsed < lastUsedBefore],
      [
        { state: 'active', name: 'alpha', expires_before: new Date(expiresBefore).toISOString(), last_used_before: new Date(lastUsedBefore).toISOString() },
        (token) =>
          isActive(token) &&
          token.name.startsWith('Alpha') &&
          token.expiresAt !== null &&
          token.expiresAt < expiresBefore &&
          (token.lastUsed === null || token.lastUsed < lastUsedBefore),
      ],
    ];
    for (const [filters, keep] of cases) {
      const matching = tokens.filter(keep);
      expect({ filters, nonEmpty: matching.length > 0 }).toEqual({ filters, nonEmpty: true });
      for (const sort of ['-created_at', 'expires_at', '-last_used'] as const) {
        const { ids } = await listAll(app, writerSession, { ...filters, sort, limit: 13 });
        expect({ filters, sort, ids }).toEqual({ filters, sort, ids: sorted(matching, sort) });
      }
    }
  });

  it('keeps GET /api/auth/tokens without parameters as it was: active tokens, newest first (100 a page now)', async () => {
    const response = await request(app.http).get('/api/auth/tokens').set(...writerSession).expect(200);
    const active = (await storedTokens(TEST_USERS.writer.username)).filter((token) => !token.revoked && (token.expiresAt === null || token.expiresAt > now));
    expect(Object.keys(response.body).sort()).toEqual(['count', 'next_cursor', 'role', 'tokens']);
    expect(response.body.tokens.map((token: Listed) => token.token_id)).toEqual(sorted(active, '-created_at').slice(0, 100));
    expect(response.body.count).toBe(100);
    expect(response.body.next_cursor).toEqual(expect.any(String));
    for (const token of response.body.tokens) {
      expect(Object.keys(token)).toEqual(expect.arrayContaining(['last_used_ip', 'last_used_user_agent', 'recent_ips', 'revoked_at', 'revoked_by', 'revoked_reason']));
    }
  });

  describe('scope', () => {
    it('a user sees only their own tokens through every filter and sort; naming another user is 403', async () => {
      for (const sort of SORTS) {
        for (const filters of [{ state: 'all' }, { state: 'active', name: 'reader' }, { state: 'all', username: TEST_USERS.writer.username }]) {
          const listed = await request(app.http).get('/api/auth/tokens').query({ ...filters, sort, limit: 200 }).set(...writerSession).expect(200);
          expect(new Set(listed.body.tokens.map((token: Listed) => token.username))).toEqual(new Set(listed.body.tokens.length ? [TEST_USERS.writer.username] : []));
        }
      }
      for (const other of [TEST_USERS.reader.username, TEST_USERS.admin.username]) {
        const refused = await request(app.http).get('/api/auth/tokens').query({ username: other }).set(...writerSession).expect(403);
        expect(refused.body.code).toBe('FORBIDDEN');
      }
      const readers = await listAll(app, bearer(reader.token), { state: 'all', limit: 7 });
      expect(readers.ids).toHaveLength(20);
    });

    it("an admin pages through every token of the server in every order (more than one window holds)", async () => {
      const all = [...(await storedTokens(TEST_USERS.writer.username)), ...(await storedTokens(TEST_USERS.reader.username)), ...(await storedTokens(TEST_USERS.admin.username))];
      for (const sort of SORTS) {
        const { ids } = await listAll(app, bearer(admin.token), { state: 'all', sort, limit: 7 });
        // The admin's own token was used to list: its last_used moved while listing, so it is left out of the comparison.
        const without = (list: string[]) => list.filter((id) => id !== admin.tokenId);
        expect(without(ids)).toEqual(without(sorted(all, sort)));
      }
    });

    it("an admin sees every token of the server, or one user's with username", async () => {
      const everyone = await listAll(app, bearer(admin.token), { state: 'all', limit: 200 });
      expect(everyone.ids).toHaveLength(TOKENS + 20 + 1);
      const readers = await listAll(app, bearer(admin.token), { state: 'all', username: TEST_USERS.reader.username, limit: 200 });
      expect(readers.ids.sort()).toEqual((await storedTokens(TEST_USERS.reader.username)).map((token) => token.id).sort());
    });
  });

  describe('cursors', () => {
    const firstPage = async (auth: [string, string], query: Record<string, string | number>) =>
      (await request(app.http).get('/api/auth/tokens').query(query).set(...auth).expect(200)).body.next_cursor as string;
    const expectRefusedCursor = async (auth: [string, string], query: Record<string, string | number>, cursor: string) => {
      const refused = await request(app.http).get('/api/auth/tokens').query({ ...query, cursor }).set(...auth).expect(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: { cursor: [expect.stringContaining('cursor is not valid')] } });
    };

    it('refuses a forged or altered cursor (400), never a way around the scope', async () => {
      const query = { state: 'all', limit: 10 };
      const cursor = await firstPage(writerSession, query);
      await expectRefusedCursor(writerSession, query, 'c1.W1sxLCJ4IiwxXQ.AAAA');
      await expectRefusedCursor(writerSession, query, `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'BB' : 'AA'}`);
      const [version, payload, mac] = cursor.split('.');
      const forged = Buffer.from(JSON.stringify([9_999_999_999_999, null, 1])).toString('base64url');
      await expectRefusedCursor(writerSession, query, `${version}.${forged}.${mac}`);
      await expectRefusedCursor(writerSession, query, `${version}.${payload}x.${mac}`);
    });

    it("refuses another query's cursor and another caller's", async () => {
      const query = { state: 'all', sort: 'created_at', limit: 10 };
      const cursor = await firstPage(writerSession, query);
      await expectRefusedCursor(writerSession, { ...query, sort: '-created_at' }, cursor);
      await expectRefusedCursor(writerSession, { ...query, state: 'revoked' }, cursor);
      await expectRefusedCursor(writerSession, { ...query, name: 'alpha' }, cursor);
      await expectRefusedCursor(bearer(reader.token), query, cursor);
      await expectRefusedCursor(bearer(admin.token), query, cursor);
      const adminCursor = await firstPage(bearer(admin.token), { state: 'all', limit: 10 });
      await expectRefusedCursor(writerSession, { state: 'all', limit: 10 }, adminCursor);
      // The same query with another page size is the same listing: the cursor goes on.
      await request(app.http).get('/api/auth/tokens').query({ ...query, limit: 25, cursor }).set(...writerSession).expect(200);
    });
  });
});
