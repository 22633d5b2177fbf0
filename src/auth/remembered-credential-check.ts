import type { Principal } from '../domain/principal';

/**
 * The strategy's shortcut for a credential whose exact text passport-jwt verified before
 * (JwtStrategy.validateRemembered): the principal after the store check, or undefined when only a
 * full passport authentication will do. Injected by this token, so JwtAuthGuard's typings (used by
 * host apps) do not drag in passport-jwt's.
 */
export interface RememberedCredentialCheck {
  validateRemembered(request: { headers: Record<string, string | string[] | undefined> }): Promise<Principal> | undefined;
}

export const REMEMBERED_CREDENTIAL_CHECK = Symbol('falkordb-pat.remembered-credential-check');
