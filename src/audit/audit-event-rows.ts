import { isoSeconds } from '../common/iso-time';
import { Row } from '../falkordb/query-types';
import { AUDIT_EVENT_TYPES, AuditEvent, AuditEventType } from './audit-event';

/* How audit events look in the store: the fields a read returns (over variable `e`), and the event they make. */

export const EVENT_FIELDS = `e.event_id AS id, e.at AS at, e.type AS type, e.host AS host, e.port AS port,
  e.actor_username AS actor_username, e.actor_token_id AS actor_token_id,
  e.subject_username AS subject_username, e.subject_token_id AS subject_token_id,
  e.ip AS ip, e.user_agent AS user_agent, e.detail AS detail, e.count AS count, e.last_at AS last_at`;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function detailOf(row: Row): Record<string, unknown> {
  let detail: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(String(row.detail));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
  } catch {
    // A detail that is not JSON (written by someone else) shows as empty.
  }
  // Aggregated events carry their count and last occurrence beside the detail.
  if (row.count !== null && row.count !== undefined) detail = { ...detail, count: Number(row.count), last_at: isoSeconds(Number(row.last_at ?? row.at)) };
  return detail;
}

export function toEvent(row: Row): AuditEvent {
  return {
    id: String(row.id),
    at: Number(row.at),
    type: (AUDIT_EVENT_TYPES as readonly string[]).includes(String(row.type)) ? (row.type as AuditEventType) : 'auth.failed',
    host: String(row.host),
    port: Number(row.port),
    actor: { username: text(row.actor_username), tokenId: text(row.actor_token_id) },
    subject: { username: text(row.subject_username), tokenId: text(row.subject_token_id) },
    ip: text(row.ip),
    userAgent: text(row.user_agent),
    detail: detailOf(row),
  };
}
