import { AuthHarness } from '../../test/support/auth-harness';
import { FalkorDbConnection } from '../falkordb/falkordb-connection';
import { CredentialRetention } from './credential-retention';
import { CredentialReader } from './credential-reader';
import { CredentialWriter } from './credential-writer';

const USER = { username: 'pat_writer', password: 'writer-secret-pw', role: 'Read-Write' } as const;
const GRAPH = 'unit_credential_retention';
const DAY = 24 * 3600 * 1000;
const RETENTION_DAYS = 30;
const AUDIT_RETENTION_DAYS = 90;

describe('per-user token counter, session limit and retention (real FalkorDB)', () => {
  let harness: AuthHarness;
  let store: CredentialReader;
  let writer: CredentialWriter;
  let retention: CredentialRetention;
  let falkordb: FalkorDbConnection;

  beforeAll(async () => {
    harness = await AuthHarness.start(GRAPH, USER, '6c'.repeat(32), {
      tokenRetentionDays: RETENTION_DAYS,
      auditRetentionDays: AUDIT_RETENTION_DAYS,
      maxSessionsPerUser: 3,
    });
    store = harness.get(CredentialReader);
    writer = harness.get(CredentialWriter);
    retention = harness.get(CredentialRetention);
    falkordb = harness.get(FalkorDbConnection);
  });

  afterAll(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    await falkordb.query(GRAPH, 'MATCH (n) DETACH DELETE n');
  });

  const counter = async () => (await falkordb.readQuery(GRAPH, 'MATCH (u:User {user_id: $id}) RETURN u.active_tokens AS n', { id: harness.userId }))[0]?.n;
  const tokenCount = async () => Number((await falkordb.readQuery(GRAPH, 'MATCH (t:Token) RETURN count(t) AS n'))[0].n);
  const liveSessions = async (now: number) =>
    (await falkordb.readQuery(GRAPH, 'MATCH (s:Session) WHERE s.revoked = false AND s.expires_at > $now RETURN s.session_id AS id ORDER BY s.created_at', { now })).map(
      (row) => String(row.id),
    );

  describe('the cap counter', () => {
    it('counts mints, frees a place on revocation and on expiry, and refuses past the cap', async () => {
      const now = Date.now();
      const first = await harness.tryStorePat(now + DAY, now, 3);
      const second = await harness.tryStorePat(null, now, 3);
      expect(await harness.tryStorePat(now + 1000, now, 3)).toBeDefined();
      expect(await harness.tryStorePat(null, now, 3)).toBeUndefined();
      expect(await counter()).toBe(3);

      await writer.revoke({ kind: 'pat', id: second!.tokenId }, now);
      await writer.revoke({ kind: 'pat', id: second!.tokenId }, now); // idempotent: counted once
      expect(await counter()).toBe(2);
      expect(await harness.tryStorePat(null, now, 3)).toBeDefined();
      expect(await harness.tryStorePat(null, now, 3)).toBeUndefined();

      // The token that expires at now + 1000 stops counting once a later mint sees it expired.
      expect(await harness.tryStorePat(null, now + 2000, 3)).toBeDefined();
      expect(await counter()).toBe(3);
      expect(first).toBeDefined();
    });
  });

  describe('sessions per user', () => {
    it('ends the oldest live sessions beyond the limit in the same write as a login', async () => {
      const now = Date.now();
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) ids.push((await harness.storeSession(now + DAY, now + index)).sessionId);
      expect(await liveSessions(now + 10)).toEqual(ids.slice(2));
    });
  });

  describe('retention', () => {
    it('keeps ended tokens and sessions for the retention period, then deletes them in the purge', async () => {
      const now = Date.now();
      const { tokenId: revoked } = await harness.storePat(null, now);
      await writer.revoke({ kind: 'pat', id: revoked }, now);
      await harness.storePat(now + DAY, now); // expires tomorrow, still counted (no mint since)
      const { tokenId: kept } = await harness.storePat(null, now);
      const { sessionId } = await harness.storeSession(now + DAY, now);
      expect(await counter()).toBe(2);

      const beforeRetention = await retention.purge(now + RETENTION_DAYS * DAY);
      expect(beforeRetention).toEqual({ retired: 1, tokensDeleted: 1, sessionsDeleted: 0, auditEventsDeleted: 0 });
      expect(await counter()).toBe(1);
      expect(await tokenCount()).toBe(2);

      const afterRetention = await retention.purge(now + (RETENTION_DAYS + 1) * DAY + 1);
      expect(afterRetention).toEqual({ retired: 0, tokensDeleted: 1, sessionsDeleted: 1, auditEventsDeleted: 0 });
      expect(await store.findToken(kept)).toMatchObject({ id: kept, revoked: false });
      expect(await store.findToken(revoked)).toBeUndefined();
      expect(await tokenCount()).toBe(1);
      expect(await counter()).toBe(1);
      expect(sessionId).toBeDefined();
    });

    it('purges more records than one batch holds, in batches', async () => {
      const now = Date.now();
      await falkordb.query(
        GRAPH,
        `UNWIND range(1, 1200) AS i
         CREATE (:Session {session_id: 's-bulk-' + toString(i), revoked: true, revoked_at: $ended, expires_at: $ended})`,
        { ended: now - (RETENTION_DAYS + 1) * DAY },
      );
      expect(await retention.purge(now)).toEqual({ retired: 0, tokensDeleted: 0, sessionsDeleted: 1200, auditEventsDeleted: 0 });
    });
  });

  describe('audit retention', () => {
    const eventCount = async () => Number((await falkordb.readQuery(GRAPH, 'MATCH (e:AuditEvent) RETURN count(e) AS n'))[0].n);

    it('keeps audit events for AUDIT_RETENTION_DAYS, then deletes them in the purge (the credentials they were about may stay)', async () => {
      const now = Date.now();
      const { tokenId } = await harness.storePat(null, now); // token.created
      await writer.revoke({ kind: 'pat', id: tokenId }, now + DAY); // token.revoked, a day later
      await harness.storeSession(now + 400 * DAY, now); // session.login
      expect(await eventCount()).toBe(3);

      expect((await retention.purge(now + AUDIT_RETENTION_DAYS * DAY - 1)).auditEventsDeleted).toBe(0);
      // The two events of `now` are 90 days old; the revocation is a day younger.
      expect((await retention.purge(now + AUDIT_RETENTION_DAYS * DAY)).auditEventsDeleted).toBe(2);
      expect(await eventCount()).toBe(1);
      expect((await retention.purge(now + (AUDIT_RETENTION_DAYS + 1) * DAY)).auditEventsDeleted).toBe(1);
      expect(await eventCount()).toBe(0);
    });

    it('purges more events than one batch holds, in batches', async () => {
      const now = Date.now();
      await falkordb.query(
        GRAPH,
        `UNWIND range(1, 1200) AS i
         CREATE (:AuditEvent {event_id: 'bulk-' + toString(i), at: $at, type: 'auth.failed', host: 'localhost', port: 1})`,
        { at: now - (AUDIT_RETENTION_DAYS + 1) * DAY },
      );
      expect((await retention.purge(now)).auditEventsDeleted).toBe(1200);
      expect(await eventCount()).toBe(0);
    });
  });
});
