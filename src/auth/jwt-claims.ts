import { CredentialKind } from '../domain/principal';

/** Claims of every JWT this service issues. `typ` separates PATs from sessions. */
export interface IssuedClaims {
  typ: CredentialKind;
  /** userId */
  sub: string;
  /** tokenId or session id */
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp?: number;
}
