import { ForbiddenError } from '../common/domain-errors';
import { Principal } from '../domain/principal';
import { AuditScope } from './audit-event.repository';

/* Who may read which audit events: the policy AuditService applies beneath every filter. */

/** Admins see every event of the server they are admin on; everyone else only events about themselves. */
export function auditScopeOf(principal: Pick<Principal, 'role' | 'host' | 'port' | 'username'>): AuditScope {
  return principal.role === 'Admin'
    ? { host: principal.host, port: principal.port }
    : { host: principal.host, port: principal.port, subjectUsername: principal.username };
}

/** Filtering by another user's name needs Admin (403), so nobody learns of events they may not see. */
export function assertMayFilterByUsername(principal: Pick<Principal, 'role' | 'username'>, username: string | undefined): void {
  if (username !== undefined && username !== principal.username && principal.role !== 'Admin') {
    throw new ForbiddenError("Reading another user's audit events requires the role Admin");
  }
}
