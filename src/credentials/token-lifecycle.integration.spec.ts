import { AuthHarness } from '../../test/support/auth-harness';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { CredentialReader } from './credential-reader';
import { CredentialWriter } from './credential-writer';
import { TokenRepository } from './store/token.repository';
import { DAY_MS } from './expiry-notices';
import { TokenLifecycle } from './token-lifecycle';

const USER = { username: 'pat_lifecycle', password: 'lifecycle-secret-pw', role: 'Read-Write' } as const;
const GRAPH = 'unit_token_lifecycle';

/** Expiry notices and unused-token revocation, on a real FalkorDB, at chosen times (no sleeps). */
describe('TokenLifecycle (real FalkorDB)', () => {
  let harness: AuthHarness;
  let second: AuthHarness;
  let lifecycle: TokenLifecycle;

  beforeAll(async () => {
    const options = { expiryNoticeDays: [7, 1], revokeUnusedAfterDays: 30 };
    harness = await AuthHarness.start(GRAPH, USER, '6d'.repeat(32), options);
    second = await harness.anotherInstance(options);
    lifecycle = harness.get(TokenLifecycle);
  });

  afterAll(async () => {
    await second?.close();
    await harness?.close();
  });

  const store = () => harness.get(FalkorDbConnection);

  /** The `token.expiring` events of a token, as stored (listings look at the real now; these happen later). */
  async function noticesOf(tokenId: string): Promise<Array<Record<string, unknown>>> {
    const rows = await store().readQuery(GRAPH, "MATCH (e:AuditEvent {subject_token_id: $id, type: 'token.expiring'}) RETURN e.detail AS detail, e.at AS at ORDER BY e.at", { id: tokenId });
    return rows.map((row) => JSON.parse(String(row.detail)) as Record<string, unknown>);
  }

  it('records one notice per threshold as expiry comes within it, never again', async () => {
    const now = Date.now();
    const expiresAt = now + 10 * DAY_MS;
    const { tokenId } = await harness.storePat(expiresAt, now);

    await lifecycle.scan(now + 3 * DAY_MS - 1);
    expect(await noticesOf(tokenId)).toEqual([]);
    await lifecycle.scan(now + 3 * DAY_MS);
    await lifecycle.scan(now + 3 * DAY_MS + 1000);
    await lifecycle.scan(now + 8 * DAY_MS);
    expect(await noticesOf(tokenId)).toEqual([{ expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'), days_left: 7, threshold_days: 7 }]);
    await lifecycle.scan(now + 9 * DAY_MS);
    await lifecycle.scan(now + 9.5 * DAY_MS);
    expect((await noticesOf(tokenId)).map((detail) => detail.threshold_days)).toEqual([7, 1]);
    expect((await noticesOf(tokenId))[1]).toMatchObject({ days_left: 1 });
  });

  it('gives a token created inside a threshold that notice only, not the larger ones', async () => {
    const now = Date.now();
    const { tokenId } = await harness.storePat(now + 0.5 * DAY_MS, now);
    await lifecycle.scan(now);
    await lifecycle.scan(now + 1000);
    expect(await noticesOf(tokenId)).toEqual([expect.objectContaining({ threshold_days: 1, days_left: 0.5 })]);
  });

  it('records each notice once when two instances scan at the same moment', async () => {
    const now = Date.now();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => harness.storePat(now + 3 * DAY_MS, now)));
    await Promise.all([lifecycle.scan(now), second.get(TokenLifecycle).scan(now), lifecycle.scan(now)]);
    await Promise.all([lifecycle.scan(now + 2.5 * DAY_MS), second.get(TokenLifecycle).scan(now + 2.5 * DAY_MS)]);
    for (const { tokenId } of tokens) expect((await noticesOf(tokenId)).map((detail) => detail.threshold_days)).toEqual([7, 1]);
  });

  it('gives no notice to a token revoked or rotated away before its threshold', async () => {
    const now = Date.now();
    const revoked = await harness.storePat(now + 3 * DAY_MS, now);
    const rotated = await harness.storePat(now + 3 * DAY_MS, now);
    await harness.get(CredentialWriter).revoke({ kind: 'pat', id: revoked.tokenId }, now);
    await harness.rotatePat(rotated.tokenId, now);
    await lifecycle.scan(now + 1000);
    expect(await noticesOf(revoked.tokenId)).toEqual([]);
    expect(await noticesOf(rotated.tokenId)).toEqual([]);
  });

  it('revokes tokens unused for 30 days (never used: since creation) as unused, with a token.revoked event', async () => {
    const now = Date.now();
    const neverUsed = await harness.storePat(null, now - 31 * DAY_MS);
    const usedLongAgo = await harness.storePat(null, now - 60 * DAY_MS);
    const usedRecently = await harness.storePat(null, now - 60 * DAY_MS);
    const young = await harness.storePat(null, now - 29 * DAY_MS);
    const reader = harness.get(CredentialReader);
    const presented = ({ tokenId, token }: { tokenId: string; token: string }) => ({ kind: 'pat' as const, id: tokenId, token, subject: harness.userId });
    await reader.verify(presented(usedLongAgo), now - 40 * DAY_MS);
    await reader.verify(presented(usedRecently), now - 2 * DAY_MS);

    const report = await lifecycle.scan(now);
    expect(report.revokedUnused).toBeGreaterThanOrEqual(2);
    for (const { tokenId } of [neverUsed, usedLongAgo]) {
      expect(await reader.findToken(tokenId)).toMatchObject({ revoked: true, revokedReason: 'unused', revokedBy: null });
      const events = await store().readQuery(GRAPH, "MATCH (e:AuditEvent {subject_token_id: $id, type: 'token.revoked'}) RETURN e.detail AS detail", { id: tokenId });
      expect(events.map((row) => JSON.parse(String(row.detail)) as unknown)).toEqual([{ reason: 'unused', unused_days: 30 }]);
    }
    for (const { tokenId } of [usedRecently, young]) expect(await reader.findToken(tokenId)).toMatchObject({ revoked: false });
    await expect(reader.verify(presented(neverUsed), now)).resolves.toBeUndefined();
    // The next day, the young one has been unused for 30 days too.
    await lifecycle.scan(now + 1.5 * DAY_MS);
    expect(await reader.findToken(young.tokenId)).toMatchObject({ revoked: true, revokedReason: 'unused' });
  });

  it('keeps every other property of a token it takes out of the scans (revoked, rotated, retired)', async () => {
    const now = Date.now();
    const propertiesOf = async (tokenId: string) =>
      Object.keys(((await store().readQuery(GRAPH, 'MATCH (t:Token {token_id: $id}) RETURN properties(t) AS p', { id: tokenId }))[0].p as Record<string, unknown>)).sort();
    const revoked = await harness.storePat(now + 3 * DAY_MS, now);
    const rotated = await harness.storePat(now + 3 * DAY_MS, now);
    const expired = await harness.storePat(now + 1000, now);
    const before = await propertiesOf(revoked.tokenId);
    expect(before).toEqual(expect.arrayContaining(['last_used_order', 'expires_order', 'notice_due', 'idle_since', 'counts_until', 'token_hash', 'password_enc']));
    await harness.get(CredentialWriter).revoke({ kind: 'pat', id: revoked.tokenId }, now);
    await harness.rotatePat(rotated.tokenId, now);
    expect(await harness.get(TokenRepository).retireExpired(now + 5000, 500)).toBeGreaterThanOrEqual(1);
    // Only counts_until leaves; the revocation adds its own fields.
    const kept = before.filter((key) => key !== 'counts_until');
    expect(await propertiesOf(revoked.tokenId)).toEqual(expect.arrayContaining(kept));
    expect(await propertiesOf(rotated.tokenId)).toEqual(expect.arrayContaining(kept));
    expect(await propertiesOf(expired.tokenId)).toEqual(expect.arrayContaining(kept));
  });

  it('keeps every property of a token used without an address or user agent after a use with both', async () => {
    const now = Date.now();
    const token = await harness.storePat(null, now - 20 * 60_000);
    const reader = harness.get(CredentialReader);
    const keys = async () => Object.keys(((await store().readQuery(GRAPH, 'MATCH (t:Token {token_id: $id}) RETURN properties(t) AS p', { id: token.tokenId }))[0].p as Record<string, unknown>)).sort();
    await reader.verify({ kind: 'pat', id: token.tokenId, token: token.token, subject: harness.userId, clientAddress: '203.0.113.9', userAgent: 'cron/1' }, now - 10 * 60_000);
    const before = await keys();
    await expect(reader.verify({ kind: 'pat', id: token.tokenId, token: token.token, subject: harness.userId }, now)).resolves.toMatchObject({ lastUsedIp: null, lastUsedUserAgent: null, lastUsed: now });
    expect(await keys()).toEqual(before);
    await expect(reader.verify({ kind: 'pat', id: token.tokenId, token: token.token, subject: harness.userId }, now + 1)).resolves.toMatchObject({ id: token.tokenId });
  });

  it('finds due tokens through indexes, not by reading every token', async () => {
    const plans = await Promise.all(
      ['MATCH (t:Token) WHERE t.notice_due <= 1 RETURN t LIMIT 1', 'MATCH (t:Token) WHERE t.idle_since <= 1 RETURN t LIMIT 1'].map((query) =>
        store().command(['GRAPH.EXPLAIN', GRAPH, query]),
      ),
    );
    for (const plan of plans) expect(JSON.stringify(plan)).toContain('Node By Index Scan');
  });

  it('gives tokens stored before the lifecycle keys existed their schedule, once per store', async () => {
    const now = Date.now();
    const { tokenId } = await harness.storePat(now + 3 * DAY_MS, now - 100 * DAY_MS);
    // As an older version stored it: no lifecycle keys, and a store never backfilled.
    await store().query(GRAPH, 'MATCH (t:Token {token_id: $id}) SET t.notice_due = NULL, t.idle_since = NULL', { id: tokenId });
    await store().query(GRAPH, 'MATCH (m:StoreMeta) DELETE m');
    const fresh = await harness.anotherInstance({ expiryNoticeDays: [7, 1], revokeUnusedAfterDays: 30 });
    try {
      await fresh.get(TokenLifecycle).scan(now);
      expect(await noticesOf(tokenId)).toEqual([expect.objectContaining({ threshold_days: 7 })]);
      expect(await harness.get(CredentialReader).findToken(tokenId)).toMatchObject({ revoked: true, revokedReason: 'unused' });
      const marker = await store().readQuery(GRAPH, 'MATCH (m:StoreMeta) RETURN count(m) AS n');
      expect(Number(marker[0].n)).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
