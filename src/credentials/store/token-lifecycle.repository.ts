import { Injectable } from '@nestjs/common';
import { NO_AUDIT_CONTEXT } from '../../audit/audit-event';
import { DeliveredEventTypes } from '../../audit/outbox/delivered-event-types';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { NEVER } from '../../falkordb/never';
import { QueryValue } from '../../falkordb/query-types';
import { auditEventValues, createAuditEventFromMap, tokenSubject } from './audit-event-writes';

/** A token due an expiry-notice look, as found. */
export interface NoticeDueToken {
  id: string;
  /** Exactly as stored: the write only applies while it is unchanged (another instance got there first otherwise). */
  noticeDue: number;
  expiresAt: number | null;
  active: boolean;
  /** Threshold of its last notice; null = none yet. */
  noticedDays: number | null;
}

/** What the scan decided for one token: a notice (or none) and its next due time (null = never). */
export interface NoticeUpdate {
  token: NoticeDueToken;
  notice: { thresholdDays: number; detail: Record<string, unknown> } | null;
  nextDue: number | null;
}

/** A token not used since the cutoff, as found. */
export interface IdleToken {
  id: string;
  active: boolean;
}

/**
 * Records until when tokens written without lifecycle keys (by an earlier version) were given them.
 * Trusting it grants nothing: a forged one only delays notices or unused-token revocation.
 */
export const BACKFILL_MARKER = 'token_lifecycle_keys';

/**
 * The token lifecycle's keys in the store: `notice_due` (when a token is next due an expiry-notice
 * look) and `idle_since` (its last use, or creation), both indexed and cleared when the token stops
 * being active, so scans by them read only tokens with work to do, whatever the store's size.
 */
@Injectable()
export class TokenLifecycleRepository {
  constructor(
    private readonly store: FalkorDbConnection,
    private readonly delivered: DeliveredEventTypes,
  ) {}

  private get graph(): string {
    return this.store.tokenGraph;
  }

  async findNoticeDue(now: number, batch: number): Promise<NoticeDueToken[]> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (t:Token) WHERE t.notice_due <= $now
       WITH t ORDER BY t.notice_due LIMIT $batch
       RETURN t.token_id AS id, t.notice_due AS notice_due, t.expires_at AS expires_at,
         (t.revoked = false AND t.counts_until IS NOT NULL) AS active, t.notice_days AS notice_days`,
      { now, batch },
    );
    return rows.map((row) => ({
      id: String(row.id),
      noticeDue: Number(row.notice_due),
      expiresAt: row.expires_at === null || row.expires_at === undefined ? null : Number(row.expires_at),
      active: row.active === true,
      noticedDays: row.notice_days === null || row.notice_days === undefined ? null : Number(row.notice_days),
    }));
  }

  /**
   * Writes the scan's decisions in one write, each only if the token is as found: a notice is
   * recorded (a `token.expiring` event) at most once per token and threshold, however many
   * instances scan at once. Returns how many notices were recorded.
   */
  async writeNotices(updates: readonly NoticeUpdate[], now: number): Promise<number> {
    if (updates.length === 0) return 0;
    const rows = await this.store.query(
      this.graph,
      `UNWIND $updates AS u
       MATCH (t:Token {token_id: u.id}) WHERE t.notice_due = u.seen_due
       WITH t, u, (u.days IS NOT NULL AND t.revoked = false AND (t.notice_days IS NULL OR t.notice_days > u.days)) AS notify
       SET t.notice_due = coalesce(u.next_due, $never), t.notice_days = CASE WHEN notify THEN u.days ELSE t.notice_days END
       FOREACH (_ IN CASE WHEN notify THEN [1] ELSE [] END |
         ${createAuditEventFromMap('u.audit', tokenSubject('t'))})
       RETURN sum(CASE WHEN notify THEN 1 ELSE 0 END) AS notices`,
      {
        updates: updates.map(({ token, notice, nextDue }) => ({
          id: token.id,
          seen_due: token.noticeDue,
          next_due: nextDue,
          days: notice?.thresholdDays ?? null,
          audit: notice ? auditEventValues(this.delivered, 'token.expiring', now, NO_AUDIT_CONTEXT, notice.detail) : null,
        })) as QueryValue[],
        never: NEVER,
      },
    );
    return Number(rows[0]?.notices ?? 0);
  }

  async findIdleSince(cutoff: number, now: number, batch: number): Promise<IdleToken[]> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (t:Token) WHERE t.idle_since <= $cutoff
       WITH t ORDER BY t.idle_since LIMIT $batch
       RETURN t.token_id AS id, (t.revoked = false AND t.counts_until IS NOT NULL AND (t.expires_at IS NULL OR t.expires_at > $now)) AS active`,
      { cutoff, now, batch },
    );
    return rows.map((row) => ({ id: String(row.id), active: row.active === true }));
  }

  /**
   * Sets the idle key of tokens found idle but not revoked by the scan (idempotent): to their last
   * use when that is later (recorded by an instance that does not keep the key), out of the scan
   * when they are no longer active or could not be revoked (a record missing its owner).
   */
  async settleIdle(tokenIds: readonly string[], cutoff: number): Promise<void> {
    if (tokenIds.length === 0) return;
    await this.store.query(
      this.graph,
      `UNWIND $ids AS id MATCH (t:Token {token_id: id}) WHERE t.idle_since <= $cutoff
       WITH t, coalesce(t.last_used, t.created_at) AS used
       SET t.idle_since = CASE WHEN used > $cutoff AND t.revoked = false AND t.counts_until IS NOT NULL THEN used ELSE $never END`,
      { ids: [...tokenIds], cutoff, never: NEVER },
    );
  }

  /** Until when tokens have been given their lifecycle keys (null: never yet). */
  async backfilledThrough(): Promise<number | null> {
    const rows = await this.store.readQuery(this.graph, 'MATCH (m:StoreMeta {key: $key}) RETURN m.through AS through LIMIT 1', { key: BACKFILL_MARKER });
    const through = rows[0]?.through;
    return typeof through === 'number' ? through : rows.length ? 0 : null;
  }

  async markBackfilled(through: number): Promise<void> {
    await this.store.query(this.graph, 'MERGE (m:StoreMeta {key: $key}) SET m.through = $through', { key: BACKFILL_MARKER, through });
  }

  /**
   * Gives the active tokens created in (`from`, `to`] that lack them their lifecycle keys (one
   * indexed range of created_at; at most `limit` per write). Answers how many were given keys and
   * whether the range held more than `limit` such tokens (then the caller narrows it).
   */
  async backfillCreatedIn(from: number, to: number, limit: number, largestNoticeMs: number): Promise<{ written: number; full: boolean }> {
    // Found by a read: a pass over tokens that have their keys takes no write lock.
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (t:Token) WHERE t.created_at > $from AND t.created_at <= $to AND t.idle_since IS NULL AND t.counts_until IS NOT NULL AND t.revoked = false
       RETURN t.token_id AS id LIMIT $limit`,
      { from, to, limit },
    );
    if (rows.length === 0) return { written: 0, full: false };
    await this.store.query(
      this.graph,
      `UNWIND $ids AS id MATCH (t:Token {token_id: id}) WHERE t.idle_since IS NULL
       SET t.idle_since = coalesce(t.last_used, t.created_at),
         t.notice_due = CASE WHEN t.expires_at IS NULL OR t.notice_days IS NOT NULL THEN $never ELSE toInteger(t.expires_at - $largest_notice_ms) END`,
      { ids: rows.map((row) => String(row.id)), largest_notice_ms: largestNoticeMs, never: NEVER },
    );
    return { written: rows.length, full: rows.length >= limit };
  }

}
