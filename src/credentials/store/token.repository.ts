import { Injectable } from '@nestjs/common';
import { FalkorDbConnection, Row } from '../../graph/falkordb-connection';
import { credentialFields, CredentialNodes, TOKEN_NODES, toCredentialRecord } from './credential-nodes';
import { NewTokenRecord, TokenRecord, TokenScope } from './token.record';

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
        max_active: maxActive,
      },
    );
    return rows.length === 1;
  }

  async findById(tokenId: string): Promise<TokenRecord | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (c:Token {token_id: $token_id}) RETURN ${TOKEN_FIELDS}`,
      { token_id: tokenId },
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Active (not revoked, not expired) tokens in scope, newest first. */
  async listActive(scope: TokenScope, now: number): Promise<TokenRecord[]> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (c:Token)
       WHERE c.host = $host AND c.port = $port AND ($all_users OR c.username = $username)
         AND c.revoked = false AND (c.expires_at IS NULL OR c.expires_at > $now)
       RETURN ${TOKEN_FIELDS}
       ORDER BY c.created_at DESC, c.token_id DESC`,
      { host: scope.host, port: scope.port, all_users: scope.username === undefined, username: scope.username ?? '', now },
    );
    return rows.map(toRecord);
  }
}
