import { CredentialKind, CredentialRef } from './credential-kind';
import { Access } from './token-permissions';
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
  /** `read`: only read queries, and on the token API only list, get and revoking itself. Sessions: the role's reach. */
  access: Access;
  /** Graphs the credential reaches (names or `prefix*`); null = all of the user's. */
  graphs: string[] | null;
  /** Client addresses or CIDR ranges the credential may be used from; null = anywhere. */
  allowedIps: string[] | null;
  /** When the credential expires (epoch ms), null = never. */
  expiresAt: number | null;
}

/** The stored credential a caller authenticated with. */
export function credentialRefOf(principal: Pick<Principal, 'kind' | 'credentialId'>): CredentialRef {
  return { kind: principal.kind, id: principal.credentialId };
}
