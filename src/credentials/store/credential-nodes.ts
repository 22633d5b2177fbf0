import { RevokedCredentials, revokedCredentialsOf } from './revoked-credentials';
import { AuditContext, AuditEventType, NO_AUDIT_CONTEXT } from '../../audit/audit-event';
import { FalkorDbConnection } from '../../falkordb/falkordb-connection';
import { Row } from '../../falkordb/query-types';
import { isRole } from '../../domain/role';
import { ACCESS_LEVELS, Access, reachOf, REVOCATION_REASONS, RevocationReason } from '../../domain/token-permissions';
import { DeliveredEventTypes } from '../../audit/outbox/delivered-event-types';
import { auditEventParams, AuditSubjectCypher, createAuditEvent, sessionSubject, tokenSubject } from './audit-event-writes';
import { CredentialAuthRecord, CredentialRecord, StoredRestrictions } from './credential.record';

/** Where one kind of credential lives in the store graph. Names are constants, never user text. */
export interface CredentialNodeShape {
  label: 'Token' | 'Session';
  idProperty: 'token_id' | 'session_id';
  hashProperty: 'token_hash' | 'session_hash';
  /** The audit event of a revocation through CredentialNodes.revoke. */
  revokedEvent: AuditEventType;
  /** Whom an event about the credential in a query variable is about. */
  subject: (variable: string) => AuditSubjectCypher;
}

/** The MAC of a revoked record: never a valid MAC. */
export const VOID_MAC = 'revoked';

export const TOKEN_NODES: CredentialNodeShape = {
  label: 'Token',
  idProperty: 'token_id',
  hashProperty: 'token_hash',
  revokedEvent: 'token.revoked',
  subject: tokenSubject,
};
export const SESSION_NODES: CredentialNodeShape = {
  label: 'Session',
  idProperty: 'session_id',
  hashProperty: 'session_hash',
  revokedEvent: 'session.logout',
  subject: sessionSubject,
};

/** The RETURN items of a credential record, for node variable `c` of the given shape. */
export function credentialFields(shape: CredentialNodeShape): string {
  return `c.${shape.idProperty} AS id, c.user_id AS user_id, c.username AS username, c.role AS role,
    c.host AS host, c.port AS port, c.tls AS tls, c.created_at AS created_at, c.expires_at AS expires_at,
    c.last_used AS last_used, c.revoked AS revoked, c.access AS access, c.graphs AS graphs, c.allowed_ips AS allowed_ips,
    c.revoked_at AS revoked_at, c.revoked_by AS revoked_by, c.revoked_reason AS revoked_reason, c.rotated_to AS rotated_to,
    c.name AS name, c.last_used_ip AS last_used_ip, c.last_used_user_agent AS last_used_user_agent, c.recent_ips AS recent_ips`;
}

function optionalStrings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.map(String) : null;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The restrictions exactly as stored (what the MAC covers). */
export function storedRestrictionsOf(row: Row): StoredRestrictions {
  return { access: optionalString(row.access), graphs: optionalStrings(row.graphs), allowedIps: optionalStrings(row.allowed_ips) };
}

function optionalNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** A row selected with credentialFields() as a record. */
export function toCredentialRecord(row: Row, shape: CredentialNodeShape): CredentialRecord {
  if (!isRole(row.role)) throw new Error(`Stored ${shape.label.toLowerCase()} ${String(row.id)} has an unknown role`);
  return {
    id: String(row.id),
    userId: String(row.user_id),
    username: String(row.username),
    role: row.role,
    host: String(row.host),
    port: Number(row.port),
    tls: row.tls === true,
    createdAt: Number(row.created_at),
    expiresAt: optionalNumber(row.expires_at),
    lastUsed: optionalNumber(row.last_used),
    revoked: row.revoked === true,
    permissions: {
      // Records without an access level (sessions, older tokens) have their user's whole reach.
      access: (ACCESS_LEVELS as readonly string[]).includes(String(row.access)) ? (row.access as Access) : reachOf(row.role),
      graphs: optionalStrings(row.graphs),
    },
    allowedIps: optionalStrings(row.allowed_ips),
    revokedAt: optionalNumber(row.revoked_at),
    revokedBy: optionalString(row.revoked_by),
    revokedReason: (REVOCATION_REASONS as readonly string[]).includes(String(row.revoked_reason)) ? (row.revoked_reason as RevocationReason) : null,
    rotatedTo: optionalString(row.rotated_to),
    name: optionalString(row.name),
    // '' = none (written so, never removed: see TokenRepository.recordUse).
    lastUsedIp: optionalString(row.last_used_ip) || null,
    lastUsedUserAgent: optionalString(row.last_used_user_agent) || null,
    recentIps: optionalStrings(row.recent_ips) ?? [],
  };
}

/**
 * The operations tokens and sessions share (authentication lookup, the sealed password, use
 * tracking, revocation), on the nodes of one kind. Parameterised Cypher: only values from
 * callers, and label/property names from the constant shapes above.
 */
export class CredentialNodes {
  constructor(
    protected readonly store: FalkorDbConnection,
    private readonly shape: CredentialNodeShape,
    /** The event types whose audit events the writes put in the delivery outbox. */
    protected readonly delivered: DeliveredEventTypes,
  ) {}

  protected get graph(): string {
    return this.store.tokenGraph;
  }

  private get match(): string {
    return `MATCH (c:${this.shape.label} {${this.shape.idProperty}: $id})`;
  }

  /** The record and hash for authenticating a request: one indexed read. */
  async findForAuthentication(id: string): Promise<CredentialAuthRecord | undefined> {
    const rows = await this.store.readQuery(
      this.graph,
      `${this.match} RETURN ${credentialFields(this.shape)}, c.${this.shape.hashProperty} AS hash, c.mac AS mac, c.new_ip_at AS new_ip_at`,
      { id },
    );
    const row = rows[0];
    return row ? this.toAuthRecord(row) : undefined;
  }

  private toAuthRecord(row: Row): CredentialAuthRecord {
    return {
      ...toCredentialRecord(row, this.shape),
      hash: String(row.hash),
      mac: typeof row.mac === 'string' ? row.mac : null,
      restrictions: storedRestrictionsOf(row),
      newIpAt: optionalNumber(row.new_ip_at),
    };
  }

  /** The sealed FalkorDB password stored with the credential (bound to its id). */
  async findPasswordCiphertext(id: string): Promise<string | undefined> {
    const rows = await this.store.readQuery(this.graph, `${this.match} RETURN c.password_enc AS password_enc`, { id });
    const sealed = rows[0]?.password_enc;
    return typeof sealed === 'string' ? sealed : undefined;
  }

  /**
   * Records use, at most once per `intervalMs`: the condition lives in the query, so several
   * service instances together still write at most once per interval.
   */
  async touch(id: string, now: number, intervalMs: number): Promise<void> {
    await this.store.query(
      this.graph,
      `${this.match} WHERE c.last_used IS NULL OR c.last_used <= $threshold SET c.last_used = $now`,
      { id, threshold: now - intervalMs, now },
    );
  }

  /**
   * Deletes up to `batch` credentials that ended (expired, or were revoked) at or before `cutoff`:
   * one indexed range scan per way of ending. Tokens still counted against a cap are left for
   * retireExpired. Returns how many were deleted.
   */
  async purgeEndedBefore(cutoff: number, batch: number): Promise<number> {
    let deleted = 0;
    for (const endedAt of ['expires_at', 'revoked_at']) {
      const rows = await this.store.query(
        this.graph,
        `MATCH (c:${this.shape.label}) WHERE c.${endedAt} <= $cutoff AND c.counts_until IS NULL
         WITH c LIMIT $batch DETACH DELETE c RETURN count(*) AS deleted`,
        { cutoff, batch },
      );
      deleted += Number(rows[0]?.deleted ?? 0);
    }
    return deleted;
  }

  /**
   * Marks the credential revoked (idempotent: the first revocation time is kept) and voids its MAC,
   * so writing `revoked = false` back cannot revive it without the MAC saved before revocation. The
   * audit event is created in the same write, only when the revocation happened. Answers what this
   * write revoked: nothing when the credential was revoked already (or does not exist).
   */
  async revoke(id: string, now: number, reason: RevocationReason, by: string | null, context: AuditContext = NO_AUDIT_CONTEXT): Promise<RevokedCredentials[]> {
    const rows = await this.store.query(
      this.graph,
      `${this.match} WHERE c.revoked = false
       SET c.revoked = true, c.revoked_at = $now, c.revoked_reason = $reason, c.revoked_by = $by, c.mac = $void
       ${createAuditEvent('event', this.shape.subject('c'))}
       RETURN [c.${this.shape.idProperty}] AS ids, c.username AS username, c.host AS host, c.port AS port`,
      { id, now, reason, by, void: VOID_MAC, ...auditEventParams(this.delivered, 'event', this.shape.revokedEvent, now, context, { reason }) },
    );
    return rows.map(revokedCredentialsOf);
  }
}
