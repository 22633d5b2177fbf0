import { Injectable } from '@nestjs/common';
import { AuditContext, NO_AUDIT_CONTEXT } from '../../audit/audit-event';
import { NEVER } from '../../falkordb/never';
import { DeliveredEventTypes } from '../../audit/outbox/delivered-event-types';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { QueryParams, QueryValue } from '../../falkordb/query-types';
import { CypherKeysetSource } from '../../paging/cypher-keyset-source';
import { PageRequest } from '../../paging/keyset';
import { readKeysetPage } from '../../paging/windowed-keyset-scan';
import { RevocationReason } from '../../domain/token-permissions';
import { CredentialUse, LAST_USED_WRITE_INTERVAL_MS, MAX_RECENT_IPS, NEW_ADDRESS_WRITE_INTERVAL_MS } from '../usage-tracking';
import { auditEventParams, auditEventValues, createAuditEvent, tokenSubject } from './audit-event-writes';
import { PendingInsert, TokenInsertBatches } from './token-insert-batches';
import { CredentialNodes, TOKEN_NODES, VOID_MAC } from './credential-nodes';
import { tokenListing } from './token-listing';
import { createdDetail, INSERT_TOKENS_WITHIN_CAPS, NEW_TOKEN_PROPERTIES, newTokenParams, REVOCATION_EVENT, TOKEN_FIELDS, TokenPage, toRecord } from './token-records';
import { RevokedCredentials, revokedCredentialsOf } from './revoked-credentials';
import { NewTokenRecord, TokenListFilter, TokenRecord, TokenScope, TokenSort } from './token.record';

/** Token persistence in FalkorDB: `(:Token)-[:BELONGS_TO]->(:User)`, parameterised Cypher only. */
@Injectable()
export class TokenRepository extends CredentialNodes {
  constructor(store: FalkorDbConnection, delivered: DeliveredEventTypes) {
    super(store, TOKEN_NODES, delivered);
  }

  /**
   * Stores a token unless its user already holds `maxActive` counted tokens on its server, and says
   * which. The user's `active_tokens` counter is checked and raised in the same write as the
   * insert: FalkorDB runs writes to a graph one at a time, so concurrent mints never exceed the cap,
   * a token is stored whole (with its owner edge) or not at all, and the cost does not grow with
   * the number of tokens a user holds. Callers retire expired tokens first (retireExpired), so the
   * counter does not still count them. Tokens minted while another insert is being written are
   * stored together by the next write (TokenInsertBatches).
   */
  createWithinCap(token: NewTokenRecord, maxActive: number, context: AuditContext = NO_AUDIT_CONTEXT): Promise<boolean> {
    return this.inserts.insert(token, maxActive, context);
  }

  private readonly inserts = new TokenInsertBatches((batch) => this.insertBatch(batch));

  private async insertBatch(batch: readonly PendingInsert[]): Promise<ReadonlySet<string>> {
    const byUser = new Map<string, { [key: string]: QueryValue; tokens: QueryValue[] }>();
    for (const { token, maxActive, context } of batch) {
      let mint = byUser.get(token.userId);
      if (!mint) {
        mint = { user_id: token.userId, username: token.username, host: token.host, port: token.port, created_at: token.createdAt, max_active: maxActive, tokens: [] };
        byUser.set(token.userId, mint);
      }
      mint.tokens.push({ ...newTokenParams(token), audit: auditEventValues(this.delivered, 'token.created', token.createdAt, context, createdDetail(token)) });
    }
    const rows = await this.store.query(this.graph, INSERT_TOKENS_WITHIN_CAPS, { mints: [...byUser.values()] });
    return new Set(rows.map((row) => String(row.token_id)));
  }

  /**
   * Stops counting up to `batch` tokens that have expired by `now` against their users' caps (one
   * indexed range scan on counts_until, in the same write as the counter change). Returns how many.
   */
  async retireExpired(now: number, batch: number): Promise<number> {
    // Usually there is nothing to retire: a read finds that out without taking the graph's write lock.
    const due = await this.store.readQuery(this.graph, 'MATCH (t:Token) WHERE t.counts_until <= $now RETURN t.token_id LIMIT 1', { now });
    if (due.length === 0) return 0;
    const rows = await this.store.query(
      this.graph,
      `MATCH (t:Token)-[:BELONGS_TO]->(u:User) WHERE t.counts_until <= $now
       WITH t, u LIMIT $batch
       WITH u, collect(t) AS expired
       FOREACH (t IN expired | SET t.counts_until = NULL, t.notice_due = $never, t.idle_since = $never)
       SET u.active_tokens = u.active_tokens - size(expired)
       RETURN size(expired) AS retired`,
      { now, batch, never: NEVER },
    );
    return rows.reduce((sum, row) => sum + Number(row.retired), 0);
  }

  /**
   * Revokes a token (idempotent: the first revocation, its time, reason and author, is kept),
   * voiding its MAC and uncounting it in the same write.
   */
  override async revoke(tokenId: string, now: number, reason: RevocationReason, by: string | null, context: AuditContext = NO_AUDIT_CONTEXT): Promise<RevokedCredentials[]> {
    return this.revokeMatching('MATCH (t:Token {token_id: $id}) WHERE t.revoked = false', { id: tokenId }, now, reason, by, context);
  }

  /** Revokes every active token of `username` on a server; returns their ids. */
  revokeAllOf(server: { host: string; port: number }, username: string, now: number, by: string, context: AuditContext = NO_AUDIT_CONTEXT): Promise<RevokedCredentials[]> {
    return this.revokeMatching(
      `MATCH (t:Token) WHERE t.username = $username AND t.host = $host AND t.port = $port
         AND t.revoked = false AND (t.expires_at IS NULL OR t.expires_at > $now)`,
      { username, host: server.host, port: server.port },
      now,
      'bulk',
      by,
      context,
    );
  }

  /** Revokes every still-active token rotated (directly or not) from `tokenId`. */
  revokeSuccessors(tokenId: string, now: number, context: AuditContext = NO_AUDIT_CONTEXT): Promise<RevokedCredentials[]> {
    return this.revokeMatching(
      'MATCH (:Token {token_id: $id})-[:ROTATED_TO*1..1000]->(t:Token) WHERE t.revoked = false',
      { id: tokenId },
      now,
      'reuse_detected',
      null,
      context,
      { reused_token_id: tokenId },
    );
  }

  /** Revokes those of `tokenIds` still active and unused since `idleCutoff`, as `unused`. */
  revokeUnused(tokenIds: readonly string[], idleCutoff: number, now: number, unusedDays: number): Promise<RevokedCredentials[]> {
    return this.revokeMatching(
      `UNWIND $ids AS id MATCH (t:Token {token_id: id})
       WHERE t.revoked = false AND t.idle_since <= $idle_cutoff AND coalesce(t.last_used, t.created_at) <= $idle_cutoff
         AND (t.expires_at IS NULL OR t.expires_at > $now)`,
      { ids: [...tokenIds], idle_cutoff: idleCutoff },
      now,
      'unused',
      null,
      NO_AUDIT_CONTEXT,
      { unused_days: unusedDays },
    );
  }

  /**
   * Replaces an active token by `next` in one write: the new token (same owner) is stored and
   * linked from the old one, which is revoked as `rotated`. False when the old one was no longer
   * active (then nothing is written).
   */
  async rotate(oldId: string, next: NewTokenRecord, now: number, by: string, context: AuditContext = NO_AUDIT_CONTEXT): Promise<boolean> {
    const rows = await this.store.query(
      this.graph,
      `MATCH (old:Token {token_id: $old_id})-[:BELONGS_TO]->(u:User)
       WHERE old.revoked = false AND (old.expires_at IS NULL OR old.expires_at > $now)
       CREATE (t:Token {${NEW_TOKEN_PROPERTIES}})-[:BELONGS_TO]->(u)
       CREATE (old)-[:ROTATED_TO]->(t)
       SET u.active_tokens = coalesce(u.active_tokens, 0) + 1 - (CASE WHEN old.counts_until IS NULL THEN 0 ELSE 1 END)
       SET old.revoked = true, old.revoked_at = $now, old.revoked_by = $by, old.revoked_reason = 'rotated',
         old.rotated_to = $token_id, old.mac = $void, old.counts_until = NULL, old.notice_due = $never, old.idle_since = $never
       ${createAuditEvent('rotated', tokenSubject('old'))}
       ${createAuditEvent('created', tokenSubject('t'))}
       RETURN t.token_id AS token_id`,
      {
        ...newTokenParams(next),
        old_id: oldId,
        never: NEVER,
        now,
        by,
        void: VOID_MAC,
        ...auditEventParams(this.delivered, 'rotated', 'token.rotated', now, context, { reason: 'rotated', rotated_to: next.id }),
        ...auditEventParams(this.delivered, 'created', 'token.created', now, context, { ...createdDetail(next), rotated_from: oldId }),
      },
    );
    return rows.length === 1;
  }

  /**
   * Revokes the tokens `t` that `match` finds, uncounting them per owner, in one write that also
   * records one audit event per token it revoked; returns their ids.
   */
  private async revokeMatching(
    match: string,
    params: QueryParams,
    now: number,
    reason: RevocationReason,
    by: string | null,
    context: AuditContext,
    detail: Record<string, unknown> = {},
  ): Promise<RevokedCredentials[]> {
    // sum() answers a float in FalkorDB: toInteger keeps the counter an integer (minting slices a list by it).
    const rows = await this.store.query(
      this.graph,
      `${match}
       MATCH (t)-[:BELONGS_TO]->(u:User)
       WITH u, collect(t) AS revoked, sum(CASE WHEN t.counts_until IS NULL THEN 0 ELSE 1 END) AS counted
       FOREACH (t IN revoked |
         SET t.revoked = true, t.revoked_at = $now, t.revoked_reason = $reason, t.revoked_by = $by, t.mac = $void, t.counts_until = NULL,
           t.notice_due = $never, t.idle_since = $never
         ${createAuditEvent('event', tokenSubject('t'))})
       SET u.active_tokens = toInteger(u.active_tokens - counted)
       WITH revoked, revoked[0] AS first
       RETURN [t IN revoked | t.token_id] AS ids, first.username AS username, first.host AS host, first.port AS port`,
      { ...params, now, reason, by, void: VOID_MAC, never: NEVER, ...auditEventParams(this.delivered, 'event', REVOCATION_EVENT[reason], now, context, { reason, ...detail }) },
    );
    return rows.map(revokedCredentialsOf).filter((revoked) => revoked.ids.length > 0);
  }

  /**
   * Records a use: `last_used` with the address and user agent of the use, and the address among the
   * recent ones (newest first). Written when `last_used` is 5 minutes old, or when the address is
   * not among the recent ones and none was added in the last minute: those conditions are in the
   * write, so instances never write more often than that together. A new address is recorded as a
   * `token.new_ip` event in the same write. Returns the recent addresses as stored afterwards. A
   * missing address or user agent is written as '' (read back as null), never removed: FalkorDB 4.16
   * drops the wrong properties when one query removes two (falkordb/never.ts).
   */
  async recordUse(tokenId: string, use: CredentialUse, context: AuditContext = NO_AUDIT_CONTEXT): Promise<string[] | undefined> {
    const rows = await this.store.query(
      this.graph,
      `MATCH (c:Token {token_id: $id})
       WITH c, coalesce(c.recent_ips, []) AS recent
       WITH c, recent, ($ip IS NOT NULL AND NOT $ip IN recent) AS new_ip
       WHERE c.last_used IS NULL OR c.last_used <= $used_before OR (new_ip AND (c.new_ip_at IS NULL OR c.new_ip_at <= $new_ip_before))
       SET c.last_used = $now, c.last_used_order = $now, c.idle_since = $now, c.last_used_ip = coalesce($ip, ''), c.last_used_user_agent = coalesce($user_agent, ''),
         c.recent_ips = CASE WHEN $ip IS NULL THEN recent ELSE ([$ip] + [a IN recent WHERE a <> $ip])[0..$max_recent] END
       FOREACH (_ IN CASE WHEN new_ip THEN [1] ELSE [] END |
         SET c.new_ip_at = $now
         ${createAuditEvent('event', tokenSubject('c'))})
       RETURN c.recent_ips AS recent_ips`,
      {
        id: tokenId,
        now: use.at,
        ip: use.ip,
        user_agent: use.userAgent,
        used_before: use.at - LAST_USED_WRITE_INTERVAL_MS,
        new_ip_before: use.at - NEW_ADDRESS_WRITE_INTERVAL_MS,
        max_recent: MAX_RECENT_IPS,
        ...auditEventParams(this.delivered, 'event', 'token.new_ip', use.at, context),
      },
    );
    const recent = rows[0]?.recent_ips;
    return Array.isArray(recent) ? recent.map(String) : undefined;
  }

  async findById(tokenId: string): Promise<TokenRecord | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (c:Token {token_id: $token_id}) RETURN ${TOKEN_FIELDS}`,
      { token_id: tokenId },
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * One page of the tokens in `scope` that pass `filter`, in `sort` order, after `after` (keyset
   * paging; see readKeysetPage for why it is read in windows): its cost does not grow with the
   * number of tokens stored, nor with how far into the list the page is.
   */
  async listPage(
    scope: TokenScope,
    filter: TokenListFilter,
    sort: TokenSort,
    page: PageRequest,
    now: number,
  ): Promise<TokenPage> {
    const { listing, direction, pivot } = tokenListing(scope, filter, sort, now);
    const source = new CypherKeysetSource(this.store, this.graph, listing);
    const read = await readKeysetPage(source, { direction, after: page.after, limit: page.limit, domain: listing.domain, pivot, width: page.width });
    const records = await this.findByIds(read.rows.map((row) => row.id));
    return { records, next: read.next };
  }

  /** The tokens with these ids, in this order (one that is gone meanwhile is left out). */
  private async findByIds(ids: string[]): Promise<TokenRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.store.readQuery(this.graph, `UNWIND $ids AS id MATCH (c:Token {token_id: id}) RETURN ${TOKEN_FIELDS}`, { ids });
    const byId = new Map(rows.map((row) => [String(row.id), toRecord(row)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}
