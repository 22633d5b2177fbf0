import { AuthFailureReason } from '../audit/auth-failures';

const RECORDED = Symbol('falkordb-pat.failureRecorded');

/**
 * Marks a request whose credential the store refused, and why: CredentialReader.verify has recorded
 * the `auth.failed` event (it knows which credential and whose), so JwtAuthGuard does not record it
 * again; the reason tells its metrics a revoked credential from an invalid one.
 */
export function markFailureRecorded(request: object, reason: AuthFailureReason): void {
  (request as { [RECORDED]?: AuthFailureReason })[RECORDED] = reason;
}

export function isFailureRecorded(request: object): boolean {
  return recordedFailureOf(request) !== undefined;
}

/** Why the store refused the request's credential (undefined: it did not). */
export function recordedFailureOf(request: object): AuthFailureReason | undefined {
  return (request as { [RECORDED]?: AuthFailureReason })[RECORDED];
}
