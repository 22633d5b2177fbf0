import type { Principal } from '../domain/principal';
import type { RequestOrigin } from '../domain/request-origin';
import { AuditContext, AuditParty, NOBODY } from './audit-event';

/** The acting party of an authenticated caller: its username, and its token id when it used a token. */
export function actorOf(principal: Pick<Principal, 'kind' | 'username' | 'credentialId'>): AuditParty {
  return { username: principal.username, tokenId: principal.kind === 'pat' ? principal.credentialId : null };
}

/** What an audit event records about who acted (null: nobody known) and where the request came from. */
export function auditContextOf(actor: AuditParty | null, origin: RequestOrigin): AuditContext {
  return { actor: actor ?? NOBODY, ip: origin.ip, userAgent: origin.userAgent };
}
