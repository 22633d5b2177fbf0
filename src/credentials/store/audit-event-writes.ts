import { AUDIT_EVENT_LABEL, AuditContext, AuditEventType } from '../../audit/audit-event';
import { QueryParams, QueryValue } from '../../falkordb/query-types';
import { DeliveredEventTypes } from '../../audit/outbox/delivered-event-types';

/**
 * Audit events are created by the very query that makes the change they record (a revocation is
 * never recorded without happening, nor the other way round). These build that part of the query.
 */

/** Cypher expressions (over the enclosing query's variables; constants, never user text) for whom an event is about. */
export interface AuditSubjectCypher {
  username: string;
  tokenId: string;
  host: string;
  port: string;
}

/** The subject of an event about token `variable` (its owner, its id and its server). */
export function tokenSubject(variable: string): AuditSubjectCypher {
  return { username: `${variable}.username`, tokenId: `${variable}.token_id`, host: `${variable}.host`, port: `${variable}.port` };
}

/** The subject of an event about session `variable`: its owner (a session is not a token). */
export function sessionSubject(variable: string): AuditSubjectCypher {
  return { username: `${variable}.username`, tokenId: 'null', host: `${variable}.host`, port: `${variable}.port` };
}

/** Parameter names of event `name`: `audit_<name>_*`, which no query's own parameters use. */
const prefixOf = (name: string): string => `audit_${name}_`;

/**
 * A CREATE of one audit event. Values come from the parameters of auditEventParams(`name`), the
 * subject from the enclosing query; several events in one query have different names.
 */
export function createAuditEvent(name: string, subject: AuditSubjectCypher): string {
  return auditEventCreate(`$${prefixOf(name)}`, subject);
}

/** The same CREATE with its values read from map `variable` (as auditEventValues() builds it), e.g. a row of an UNWIND. */
export function createAuditEventFromMap(variable: string, subject: AuditSubjectCypher): string {
  return auditEventCreate(`${variable}.`, subject);
}

function auditEventCreate(p: string, subject: AuditSubjectCypher): string {
  return `CREATE (:${AUDIT_EVENT_LABEL} {event_id: randomUUID(), at: ${p}at, type: ${p}type,
    host: ${subject.host}, port: ${subject.port},
    actor_username: ${p}actor_username, actor_token_id: ${p}actor_token_id,
    subject_username: ${subject.username}, subject_token_id: ${subject.tokenId},
    ip: ${p}ip, user_agent: ${p}user_agent, detail: ${p}detail, delivery_due: ${p}delivery_due})`;
}

/**
 * The values of one audit event, with its place in the delivery outbox when its type is delivered.
 * `detail` must hold no secret: it is shown to the subject and to admins, and sent to the webhook.
 */
export function auditEventValues(
  delivered: DeliveredEventTypes,
  type: AuditEventType,
  at: number,
  context: AuditContext,
  detail: Record<string, unknown> = {},
): Record<string, QueryValue> {
  return {
    at,
    type,
    actor_username: context.actor.username,
    actor_token_id: context.actor.tokenId,
    ip: context.ip,
    user_agent: context.userAgent,
    detail: JSON.stringify(detail),
    delivery_due: delivered.dueAt(type, at),
  };
}

/** The parameters of createAuditEvent(`name`). `detail` must hold no secret: it is shown to the subject and to admins. */
export function auditEventParams(
  delivered: DeliveredEventTypes,
  name: string,
  type: AuditEventType,
  at: number,
  context: AuditContext,
  detail: Record<string, unknown> = {},
): QueryParams {
  const p = prefixOf(name);
  return Object.fromEntries(Object.entries(auditEventValues(delivered, type, at, context, detail)).map(([key, value]) => [`${p}${key}`, value]));
}
