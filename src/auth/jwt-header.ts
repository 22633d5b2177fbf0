import { CredentialKind } from '../domain/principal';

/**
 * The JOSE header type of PATs (explicit typing, RFC 8725 section 3.11). The header is the same
 * JSON for every PAT up to its key id (`{"alg":"HS256","typ":"fdb-pat+jwt","kid":"pat-`), so every
 * PAT starts with one fixed base64url prefix a secret scanner can match (docs/secret-scanning.md).
 */
export const PAT_JWT_TYPE = 'fdb-pat+jwt';

/** What jsonwebtoken writes by default: sessions keep it, and PATs minted before explicit typing carry it (valid until they expire). */
export const GENERIC_JWT_TYPE = 'JWT';

const ACCEPTED_TYPES: Readonly<Record<CredentialKind, readonly string[]>> = {
  pat: [PAT_JWT_TYPE, GENERIC_JWT_TYPE],
  session: [GENERIC_JWT_TYPE],
};

/** A JWT's header fields this service reads; reading them is safe because the signature must still verify. */
export interface JwtHeaderFields {
  kid?: string;
  typ?: string;
}

export function jwtHeaderOf(rawToken: string): JwtHeaderFields | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(rawToken.slice(0, rawToken.indexOf('.')), 'base64url').toString('utf8'));
    if (header === null || typeof header !== 'object') return undefined;
    const { kid, typ } = header as Record<string, unknown>;
    return { ...(typeof kid === 'string' ? { kid } : {}), ...(typeof typ === 'string' ? { typ } : {}) };
  } catch {
    return undefined;
  }
}

/** Whether the token's header type is one this kind of credential is issued with: a session is never a PAT-typed token. */
export function hasAcceptedType(kind: CredentialKind, rawToken: string): boolean {
  const typ = jwtHeaderOf(rawToken)?.typ;
  return typ !== undefined && ACCEPTED_TYPES[kind].includes(typ);
}
