import { CredentialKind } from '../credentials/credential-kind';
import { CredentialRef } from '../credentials/credential-store';
import { Role } from './role';

export type { CredentialKind };

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

/** The stored credential a caller authenticated with. */
export function credentialRefOf(principal: Pick<Principal, 'kind' | 'credentialId'>): CredentialRef {
  return { kind: principal.kind, id: principal.credentialId };
}
