import { isoSeconds } from '../common/iso-time';
import { AuditEvent } from './audit-event';
import { AuditEventDto } from './dto/audit-event.dto';

/** An event as the API lists it and the event webhook sends it (snake_case, ISO time). */
export function auditEventView(event: AuditEvent): AuditEventDto {
  return {
    id: event.id,
    at: isoSeconds(event.at),
    type: event.type,
    actor: { username: event.actor.username, token_id: event.actor.tokenId },
    subject: { username: event.subject.username, token_id: event.subject.tokenId },
    ip: event.ip,
    user_agent: event.userAgent,
    detail: event.detail,
  };
}
