import { Injectable } from '@nestjs/common';
import { FalkorDbConnection, Row } from '../../graph/falkordb-connection';
import { isRole } from '../role';
import { NewTokenRecord, TokenAuthRecord, TokenRecord, TokenScope } from './token.record';

const TOKEN_FIELDS = `
  t.token_id AS token_id, t.user_id AS user_id, t.username AS username, t.name AS name, t.role AS role,
  t.host AS host, t.port AS port, t.tls AS tls, t.created_at AS created_at, t.expires_at AS expires_at,
  t.last_used AS last_used, t.revoked AS revoked`;

function toRecord(row: Row): TokenRecord {
  const role = row.role;
  if (!isRole(role)) throw new Error(`Stored token ${String(row.token_id)} has an unknown role`);
  return {
    tokenId: String(row.token_id),
    userId: String(row.user_id),
    username: String(row.username),
    name: String(row.name),
    role,
    host: String(row.host),
    port: Number(row.port),
    tls: row.tls === true,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null || row.expires_at === undefined ? null : Number(row.expires_at),
    lastUsed: row.last_used === null || row.last_used === undefined ? null : Number(row.last_used),
    revoked: row.revoked === true,
  };
}

/** Token persistence in FalkorDB: `(:Token)-[:BELONGS_TO]->(:User)`, parameterised Cypher only. */
@Injectable()
export class TokenRepository {
  constructor(private readonly store: FalkorDbConnection) {}

  private get graph(): string {
    return this.store.tokenGraph;
  }

  /**
   * Stores a token unless its user already holds `maxActive` active tokens on its server, and
   * says which. One write query: FalkorDB runs writes to a graph one at a time, so the count and
   * the insert cannot interleave with another mint (concurrent mints never exceed the cap), and
   * a token is stored whole, with its owner edge, or not at all.
   */
  async createWithinCap(token: NewTokenRecord, maxActive: number): Promise<boolean> {
    const rows = await this.store.query(
      this.graph,
      `OPTIONAL MATCH (a:Token)
       WHERE a.username = $username AND a.host = $host AND a.port = $port
         AND a.revoked = false AND (a.expires_at IS NULL OR a.expires_at > $created_at)
       WITH count(a) AS active
       WHERE active < $max_active
       MERGE (u:User {user_id: $user_id})
       ON CREATE SET u.username = $username, u.host = $host, u.port = $port, u.created_at = $created_at
       CREATE (t:Token {token_id: $token_id, token_hash: $token_hash, user_id: $user_id, username: $username,
         name: $name, role: $role, host: $host, port: $port, tls: $tls, created_at: $created_at,
         expires_at: $expires_at, revoked: false, password_enc: $password_enc})-[:BELONGS_TO]->(u)
       RETURN t.token_id AS token_id`,
      {
        token_id: token.tokenId,
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
        max_active: maxActive,
      },
    );
    return rows.length === 1;
  }

  /** The record and hash for authenticating a request: one indexed read. */
  async findForAuthentication(tokenId: string): Promise<TokenAuthRecord | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (t:Token {token_id: $token_id}) RETURN ${TOKEN_FIELDS}, t.token_hash AS token_hash`,
      { token_id: tokenId },
    );
    const row = rows[0];
    return row ? { ...toRecord(row), tokenHash: String(row.token_hash) } : undefined;
  }

  async findById(tokenId: string): Promise<TokenRecord | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (t:Token {token_id: $token_id}) RETURN ${TOKEN_FIELDS}`,
      { token_id: tokenId },
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Active (not revoked, not expired) tokens in scope, newest first. */
  async listActive(scope: TokenScope, now: number): Promise<TokenRecord[]> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (t:Token)
       WHERE t.host = $host AND t.port = $port AND ($all_users OR t.username = $username)
         AND t.revoked = false AND (t.expires_at IS NULL OR t.expires_at > $now)
       RETURN ${TOKEN_FIELDS}
       ORDER BY t.created_at DESC, t.token_id DESC`,
      { host: scope.host, port: scope.port, all_users: scope.username === undefined, username: scope.username ?? '', now },
    );
    return rows.map(toRecord);
  }

  /** Marks a token revoked (idempotent: the first revocation time is kept). */
  async revoke(tokenId: string, now: number): Promise<void> {
    await this.store.query(
      this.graph,
      `MATCH (t:Token {token_id: $token_id})
       SET t.revoked = true, t.revoked_at = coalesce(t.revoked_at, $now)`,
      { token_id: tokenId, now },
    );
  }

  /**
   * Records use, at most once per `intervalMs` per token: the condition lives in the query, so
   * several service instances together still write at most once per interval.
   */
  async touch(tokenId: string, now: number, intervalMs: number): Promise<void> {
    await this.store.query(
      this.graph,
      `MATCH (t:Token {token_id: $token_id})
       WHERE t.last_used IS NULL OR t.last_used <= $threshold
       SET t.last_used = $now`,
      { token_id: tokenId, threshold: now - intervalMs, now },
    );
  }

  /** The sealed FalkorDB password stored with a token (bound to its id). */
  async findPasswordCiphertext(tokenId: string): Promise<string | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      'MATCH (t:Token {token_id: $token_id}) RETURN t.password_enc AS password_enc',
      { token_id: tokenId },
    );
    const sealed = rows[0]?.password_enc;
    return typeof sealed === 'string' ? sealed : undefined;
  }
}
