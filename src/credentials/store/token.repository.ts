import { Injectable } from '@nestjs/common';
import { FalkorDbConnection, Row } from '../../graph/falkordb-connection';
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

const TOKEN_FIELDS = `${credentialFields(TOKEN_NODES)}, c.name AS name`;

function toRecord(row: Row): TokenRecord {
  return { ...toCredentialRecord(row, TOKEN_NODES), name: String(row.name) };
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
       CREATE (t:Token {token_id: $token_id, token_hash: $token_hash, user_id: $user_id, username: $username,
         name: $name, role: $role, host: $host, port: $port, tls: $tls, created_at: $created_at,
         expires_at: $expires_at, revoked: false, password_enc: $password_enc, counts_until: $counts_until, mac: $mac})-[:BELONGS_TO]->(u)
       SET u.active_tokens = coalesce(u.active_tokens, 0) + 1
       RETURN t.token_id AS token_id`,
      {
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
        mac: token.mac,
        counts_until: token.expiresAt ?? COUNTED_FOREVER,
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

  /** Revokes a token (idempotent: the first revocation time is kept), uncounting it in the same write. */
  override async revoke(tokenId: string, now: number): Promise<void> {
    await this.store.query(
      this.graph,
      `MATCH (t:Token {token_id: $id})-[:BELONGS_TO]->(u:User)
       SET t.revoked = true, t.revoked_at = coalesce(t.revoked_at, $now), t.mac = $void
       WITH t, u WHERE t.counts_until IS NOT NULL
       SET t.counts_until = NULL, u.active_tokens = u.active_tokens - 1`,
      { id: tokenId, now, void: VOID_MAC },
    );
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
