import { Role } from './role';

/** How the caller authenticated: a Personal Access Token (Bearer) or a browser session (cookie). */
export type CredentialKind = 'pat' | 'session';

/** The authenticated caller, attached to the request by the JwtStrategy. */
export interface Principal {
  kind: CredentialKind;
  /** tokenId for a PAT, session id for a session. */
  credentialId: string;
  userId: string;
  username: string;
  host: string;
  port: number;
  tls: boolean;
  role: Role;
}
