import { ForbiddenError } from '../common/domain-errors';
import { TokenRecord, TokenScope } from '../credentials/store/token.record';
import { Principal } from '../domain/principal';

/*
 * Who may do what with tokens: pure rules over the caller and the record, so they are read (and
 * tested) in one place. TokensService applies them; the store is never asked what the caller may.
 */

/** Admins see every token of the server they are admin on; everyone else only their own. */
export function scopeOf(principal: Principal): TokenScope {
  return principal.role === 'Admin'
    ? { host: principal.host, port: principal.port }
    : { host: principal.host, port: principal.port, username: principal.username };
}

/** Whether the caller may see the token at all (a token it may not see is answered like a missing one). */
export function mayAccess(principal: Principal, record: Pick<TokenRecord, 'host' | 'port' | 'username'>): boolean {
  const scope = scopeOf(principal);
  return record.host === scope.host && record.port === scope.port && (scope.username === undefined || record.username === scope.username);
}

/**
 * A token restricted in any way (read access, `graphs`, `allowedIps`) holds less than its user: if it
 * could rotate or revoke other tokens it would receive, or take away, more than it holds. Sessions
 * and unrestricted tokens may; the rule is the same for admins.
 */
export function isRestricted(principal: Principal): boolean {
  return principal.kind === 'pat' && (principal.access === 'read' || principal.graphs !== null || principal.allowedIps !== null);
}

/** A restricted token may list and get, and change (`what`: rotate, revoke) only itself. */
export function assertMayChange(principal: Principal, tokenId: string, what: string): void {
  if (isRestricted(principal) && tokenId !== principal.credentialId) {
    throw new ForbiddenError(`A restricted token (read access, graphs or allowed IPs) may ${what} only itself`);
  }
}

/** Listing another user's tokens needs Admin (of the caller's server: the scope says which). */
export function assertMayList(principal: Principal, username: string | undefined): void {
  if (username !== undefined && username !== principal.username && principal.role !== 'Admin') {
    throw new ForbiddenError("Listing another user's tokens requires the role Admin");
  }
}

/** Revoking every token of `username`: never by a restricted token; another user's needs Admin. */
export function assertMayRevokeAll(principal: Principal, username: string): void {
  if (isRestricted(principal)) throw new ForbiddenError('A restricted token (read access, graphs or allowed IPs) may revoke only itself');
  if (username !== principal.username && principal.role !== 'Admin') {
    throw new ForbiddenError("Revoking another user's tokens requires the role Admin");
  }
}
