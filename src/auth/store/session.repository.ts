import { Injectable } from '@nestjs/common';
import { FalkorDbConnection } from '../../graph/falkordb-connection';
import { isRole } from '../role';
import { NewSessionRecord, SessionRecord } from './session.record';

/** Session persistence: `(:Session)-[:BELONGS_TO]->(:User)`, revocable server-side. */
@Injectable()
export class SessionRepository {
  constructor(private readonly store: FalkorDbConnection) {}

  private get graph(): string {
    return this.store.tokenGraph;
  }

  async create(session: NewSessionRecord): Promise<void> {
    await this.store.query(
      this.graph,
      `MERGE (u:User {user_id: $user_id})
       ON CREATE SET u.username = $username, u.host = $host, u.port = $port, u.created_at = $created_at
       CREATE (s:Session {session_id: $session_id, session_hash: $session_hash, user_id: $user_id,
         username: $username, role: $role, host: $host, port: $port, tls: $tls, created_at: $created_at,
         expires_at: $expires_at, revoked: false, password_enc: $password_enc})-[:BELONGS_TO]->(u)`,
      {
        session_id: session.sessionId,
        session_hash: session.sessionHash,
        user_id: session.userId,
        username: session.username,
        role: session.role,
        host: session.host,
        port: session.port,
        tls: session.tls,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        password_enc: session.passwordCiphertext,
      },
    );
  }

  async findForAuthentication(sessionId: string): Promise<SessionRecord | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      `MATCH (s:Session {session_id: $session_id})
       RETURN s.session_id AS session_id, s.session_hash AS session_hash, s.user_id AS user_id,
         s.username AS username, s.role AS role, s.host AS host, s.port AS port, s.tls AS tls,
         s.created_at AS created_at, s.expires_at AS expires_at, s.revoked AS revoked`,
      { session_id: sessionId },
    );
    const row = rows[0];
    if (!row) return undefined;
    if (!isRole(row.role)) throw new Error(`Stored session ${sessionId} has an unknown role`);
    return {
      sessionId: String(row.session_id),
      sessionHash: String(row.session_hash),
      userId: String(row.user_id),
      username: String(row.username),
      role: row.role,
      host: String(row.host),
      port: Number(row.port),
      tls: row.tls === true,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      revoked: row.revoked === true,
    };
  }

  async revoke(sessionId: string, now: number): Promise<void> {
    await this.store.query(
      this.graph,
      `MATCH (s:Session {session_id: $session_id})
       SET s.revoked = true, s.revoked_at = coalesce(s.revoked_at, $now)`,
      { session_id: sessionId, now },
    );
  }

  async findPasswordCiphertext(sessionId: string): Promise<string | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      'MATCH (s:Session {session_id: $session_id}) RETURN s.password_enc AS password_enc',
      { session_id: sessionId },
    );
    const sealed = rows[0]?.password_enc;
    return typeof sealed === 'string' ? sealed : undefined;
  }
}
