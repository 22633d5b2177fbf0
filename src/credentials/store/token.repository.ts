import { Injectable } from '@nestjs/common';
import { FalkorDbConnection, QueryParams, Row } from '../../graph/falkordb-connection';
import { RevocationReason } from '../token-permissions';
import { credentialFields, CredentialNodes, TOKEN_NODES, toCredentialRecord, VOID_MAC } from './credential-nodes';
import { NewTokenRecord, TokenRecord, TokenScope, TokenState } from './token.record';

/** `counts_until` of a token that never expires: the largest time a JS Date can hold. */
export const COUNTED_FOREVER = 8_640_000_000_000_000;

/** Each list state as a condition on token `c` (constants, never user text). */
const STATE_CONDITION: Readonly<Record<TokenState, string>> = {
  active: 'c.revoked = false AND (c.expires_at IS NULL OR c.expires_at > $now)',
  expired: 'c.revoked = false AND c.expires_at <= $now',
  revoked: 'c.revoked = true',
  all: 'true',
};

/** The properties of a new Token node, from newTokenParams(). */
const NEW_TOKEN_PROPERTIES = `token_id: $token_id, token_hash: $token_hash, user_id: $user_id, username: $username,
  name: $name, role: $role, host: $host, port: $port, tls: $tls, created_at: $created_at, expires_at: $expires_at,
  revoked: false, password_enc: $password_enc, counts_until: $counts_until, mac: $mac,
  access: $access, graphs: $graphs, allowed_ips: $allowed_ips`;

function newTokenParams(token: NewTokenRecord): QueryParams {
  return {
    token_id: token.id,
    token_hash: token.tokenHash,
    user_id: token.userId,
    username: token.username,
    name: token.name,
    role: token.role,
    host: token.host,
    port: token.port,
    tls: token.tls,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    password_enc: token.passwordCiphertext,
    counts_until: token.expiresAt ?? COUNTED_FOREVER,
    mac: token.mac,
    access: token.access,
    graphs: token.graphs,
    allowed_ips: token.allowedIps,
  };
}

const TOKEN_FIELDS = credentialFields(TOKEN_NODES);

function toRecord(row: Row): TokenRecord {
  const record = toCredentialRecord(row, TOKEN_NODES);
  return { ...record, name: record.name ?? '' };
}

/** Token persistence in FalkorDB: `(:Token)-[:BELONGS_TO]->(:User)`, parameterised Cypher only. */
@Injectable()
export class TokenRepository extends CredentialNodes {
  constructor(store: FalkorDbConnection) {
    super(store, TOKEN_NODES);
  }

  /**
   * Stores a token unless its user already holds `maxActive` counted tokens on its server, and says
   * which. The user's `active_tokens` counter is checked and raised in the same write as the
   * insert: FalkorDB runs writes to a graph one at a time, so concurrent mints never exceed the cap,
   * a token is stored whole (with its owner edge) or not at all, and the cost does not grow with
   * the number of tokens a user holds. Callers retire expired tokens first (retireExpired), so the
   * counter does not still count them.
   */
  async createWithinCap(token: NewTokenRecord, maxActive: number): Promise<boolean> {
    const rows = await this.store.query(
      this.graph,
      `MERGE (u:User {user_id: $user_id})
       ON CREATE SET u.username = $username, u.host = $host, u.port = $port, u.created_at = $created_at, u.active_tokens = 0
       WITH u WHERE coalesce(u.active_tokens, 0) < $max_active
       CREATE (t:Token {${NEW_TOKEN_PROPERTIES}})-[:BELONGS_TO]->(u)
       SET u.active_tokens = coalesce(u.active_tokens, 0) + 1
       RETURN t.token_id AS token_id`,
      {
        ...newTokenParams(token),
        max_active: maxActive,
      },
    );
    return rows.length === 1;
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
       FOREACH (t IN expired | SET t.counts_until = NULL)
       SET u.active_tokens = u.active_tokens - size(expired)
       RETURN size(expired) AS retired`,
      { now, batch },
    );
    return rows.reduce((sum, row) => sum + Number(row.retired), 0);
  }

  /**
   * Revokes a token (idempotent: the first revocation, its time, reason and author, is kept),
   * voiding its MAC and uncounting it in the same write.
   */
  override async revoke(tokenId: string, now: number, reason: RevocationReason, by: string | null): Promise<void> {
    await this.revokeMatching('MATCH (t:Token {token_id: $id}) WHERE t.revoked = false', { id: tokenId }, now, reason, by);
  }

  /** Revokes every active token of `username` on a server; returns their ids. */
  revokeAllOf(server: { host: string; port: number }, username: string, now: number, by: string): Promise<string[]> {
    return this.revokeMatching(
      `MATCH (t:Token) WHERE t.username = $username AND t.host = $host AND t.port = $port
         AND t.revoked = false AND (t.expires_at IS NULL OR t.expires_at > $now)`,
      { username, host: server.host, port: server.port },
      now,
      'bulk',
      by,
    );
  }

  /** Revokes every still-active token rotated (directly or not) from `tokenId`; returns their ids. */
  revokeSuccessors(tokenId: string, now: number): Promise<string[]> {
    return this.revokeMatching(
      'MATCH (:Token {token_id: $id})-[:ROTATED_TO*1..1000]->(t:Token) WHERE t.revoked = false',
      { id: tokenId },
      now,
      'reuse_detected',
      null,
    );
  }

  /**
   * Replaces an active token by `next` in one write: the new token (same owner) is stored and
   * linked from the old one, which is revoked as `rotated`. False when the old one was no longer
   * active (then nothing is written).
   */
  async rotate(oldId: string, next: NewTokenRecord, now: number, by: string): Promise<boolean> {
    const rows = await this.store.query(
      this.graph,
      `MATCH (old:Token {token_id: $old_id})-[:BELONGS_TO]->(u:User)
       WHERE old.revoked = false AND (old.expires_at IS NULL OR old.expires_at > $now)
       CREATE (t:Token {${NEW_TOKEN_PROPERTIES}})-[:BELONGS_TO]->(u)
       CREATE (old)-[:ROTATED_TO]->(t)
       SET u.active_tokens = coalesce(u.active_tokens, 0) + 1 - (CASE WHEN old.counts_until IS NULL THEN 0 ELSE 1 END)
       SET old.revoked = true, old.revoked_at = $now, old.revoked_by = $by, old.revoked_reason = 'rotated',
         old.rotated_to = $token_id, old.mac = $void, old.counts_until = NULL
       RETURN t.token_id AS token_id`,
      { ...newTokenParams(next), old_id: oldId, now, by, void: VOID_MAC },
    );
    return rows.length === 1;
  }

  /** Revokes the tokens `t` that `match` finds, uncounting them per owner, in one write; returns their ids. */
  private async revokeMatching(match: string, params: QueryParams, now: number, reason: RevocationReason, by: string | null): Promise<string[]> {
    const rows = await this.store.query(
      this.graph,
      `${match}
       MATCH (t)-[:BELONGS_TO]->(u:User)
       WITH u, collect(t) AS revoked, sum(CASE WHEN t.counts_until IS NULL THEN 0 ELSE 1 END) AS counted
       FOREACH (t IN revoked |
         SET t.revoked = true, t.revoked_at = $now, t.revoked_reason = $reason, t.revoked_by = $by, t.mac = $void, t.counts_until = NULL)
       SET u.active_tokens = u.active_tokens - counted
       RETURN [t IN revoked | t.token_id] AS ids`,
      { ...params, now, reason, by, void: VOID_MAC },
    );
    return rows.flatMap((row) => (Array.isArray(row.ids) ? row.ids.map(String) : []));
  }

  /**
   * Gives up to `batch` users stored before the counter existed their `active_tokens` (and their
   * active tokens `counts_until`). Returns how many users it updated: run until 0.
   */
  async countUncountedUsers(now: number, batch: number): Promise<number> {
    const rows = await this.store.query(
      this.graph,
      `MATCH (u:User) WHERE u.active_tokens IS NULL
       WITH u LIMIT $batch
       OPTIONAL MATCH (t:Token)-[:BELONGS_TO]->(u)
       WHERE t.revoked = false AND (t.expires_at IS NULL OR t.expires_at > $now)
       WITH u, collect(t) AS active
       FOREACH (t IN active | SET t.counts_until = coalesce(t.expires_at, $forever))
       SET u.active_tokens = size(active)
       RETURN count(u) AS users`,
      { now, batch, forever: COUNTED_FOREVER },
    );
    return Number(rows[0]?.users ?? 0);
  }

  async findById(tokenId: string): Promise<TokenRecord | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (c:Token {token_id: $token_id}) RETURN ${TOKEN_FIELDS}`,
      { token_id: tokenId },
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Tokens in scope and in `state` at `now`, newest first. */
  async list(scope: TokenScope, state: TokenState, now: number): Promise<TokenRecord[]> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (c:Token)
       WHERE c.host = $host AND c.port = $port AND ($all_users OR c.username = $username) AND ${STATE_CONDITION[state]}
       RETURN ${TOKEN_FIELDS}
       ORDER BY c.created_at DESC, c.token_id DESC`,
      { host: scope.host, port: scope.port, all_users: scope.username === undefined, username: scope.username ?? '', now },
    );
    return rows.map(toRecord);
  }

}
