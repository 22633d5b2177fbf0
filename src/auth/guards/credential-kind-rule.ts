import { ForbiddenError } from '../../common/domain-errors';
import { CredentialKind, Principal } from '../../domain/principal';

/**
 * A route that accepts only some kinds of credential (`@Authenticated({ kinds })`, e.g. minting
 * PATs needs a browser session) refuses the others with 403, saying which kind it needs.
 */
export function assertCredentialKindAccepted(accepted: readonly CredentialKind[] | undefined, principal: Pick<Principal, 'kind'>): void {
  if (!accepted || accepted.includes(principal.kind)) return;
  throw new ForbiddenError(
    principal.kind === 'pat'
      ? 'This operation needs a browser session; a Personal Access Token cannot be used for it'
      : 'This operation needs a Personal Access Token',
  );
}
