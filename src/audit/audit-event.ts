/** Every kind of event the audit log records. */
export const AUDIT_EVENT_TYPES = [
  'token.created',
  'token.rotated',
  'token.revoked',
  'token.bulk_revoked',
  'token.leaked_revoked',
  'token.reuse_detected',
  'token.ip_denied',
  'token.new_ip',
  'token.expiring',
  'session.login',
  'session.logout',
  'auth.failed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** The label of audit event nodes in the store graph. */
export const AUDIT_EVENT_LABEL = 'AuditEvent';

/** Who acted, or whom an event is about: a username (null when nobody is known) and a token id (null for a session or none). */
export interface AuditParty {
  username: string | null;
  tokenId: string | null;
}

export const NOBODY: AuditParty = { username: null, tokenId: null };

/** Where an action came from: who did it, and the request's client address and user agent. */
export interface AuditContext {
  actor: AuditParty;
  ip: string | null;
  userAgent: string | null;
}

/** Actions without a request behind them (a host application's own code, a background job). */
export const NO_AUDIT_CONTEXT: AuditContext = { actor: NOBODY, ip: null, userAgent: null };

/** An event as stored and listed. Never holds a token, a hash, a password or a ciphertext. */
export interface AuditEvent {
  id: string;
  /** Epoch milliseconds (for an aggregated event: its first occurrence). */
  at: number;
  type: AuditEventType;
  /** The FalkorDB server of the subject: admins of that server see the event. */
  host: string;
  port: number;
  actor: AuditParty;
  subject: AuditParty;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown>;
}
