import { Injectable } from '@nestjs/common';
import { AuditContext, NO_AUDIT_CONTEXT } from '../../audit/audit-event';
import { DeliveredEventTypes } from '../../audit/outbox/delivered-event-types';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { auditEventParams, createAuditEvent, sessionSubject } from './audit-event-writes';
import { CredentialNodes, SESSION_NODES } from './credential-nodes';
import { NewSessionRecord } from './session.record';

/** Session persistence: `(:Session)-[:BELONGS_TO]->(:User)`, revocable server-side. */
@Injectable()
export class SessionRepository extends CredentialNodes {
  constructor(store: FalkorDbConnection, delivered: DeliveredEventTypes) {
    super(store, SESSION_NODES, delivered);
  }

  /**
   * Stores a session and, in the same write, ends the user's oldest live sessions beyond
   * `maxLive` (so a script that logs in in a loop cannot pile up sessions), recording the login
   * and each session it ended as audit events.
   */
  async create(session: NewSessionRecord, maxLive: number, context: AuditContext = NO_AUDIT_CONTEXT): Promise<void> {
    await this.store.query(
      this.graph,
      `MERGE (u:User {user_id: $user_id})
       ON CREATE SET u.username = $username, u.host = $host, u.port = $port, u.created_at = $created_at, u.active_tokens = 0
       CREATE (s:Session {session_id: $session_id, session_hash: $session_hash, user_id: $user_id,
         username: $username, role: $role, host: $host, port: $port, tls: $tls, created_at: $created_at,
         expires_at: $expires_at, revoked: false, password_enc: $password_enc, mac: $mac})-[:BELONGS_TO]->(u)
       ${createAuditEvent('login', sessionSubject('s'))}
       WITH u
       MATCH (old:Session)-[:BELONGS_TO]->(u)
       WHERE old.revoked = false AND old.expires_at > $created_at
       WITH old ORDER BY old.created_at DESC, old.session_id DESC SKIP $max_live
       SET old.revoked = true, old.revoked_at = $created_at
       ${createAuditEvent('ended', sessionSubject('old'))}`,
      {
        session_id: session.id,
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
        mac: session.mac,
        max_live: maxLive,
        ...auditEventParams(this.delivered, 'login', 'session.login', session.createdAt, context),
        ...auditEventParams(this.delivered, 'ended', 'session.logout', session.createdAt, context, { reason: 'session_limit' }),
      },
    );
  }
}
