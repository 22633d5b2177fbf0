const RECORDED = Symbol('falkordb-pat.failureRecorded');

/**
 * Marks a request whose credential the store refused: CredentialReader.verify has recorded the
 * `auth.failed` event (it knows which credential and whose), so JwtAuthGuard does not record it again.
 */
export function markFailureRecorded(request: object): void {
  (request as { [RECORDED]?: boolean })[RECORDED] = true;
}

export function isFailureRecorded(request: object): boolean {
  return (request as { [RECORDED]?: boolean })[RECORDED] === true;
}
