import { CredentialKind } from '../credentials/credential-kind';
import { CredentialRef } from '../credentials/credential-store';
import { CredentialRecord } from '../credentials/store/credential.record';
import { Access } from '../credentials/token-permissions';
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

/** The caller a verified stored record stands for (copies the owner fields, never hashes or MACs). */
export function principalOf(kind: CredentialKind, record: CredentialRecord): Principal {
  const { id, userId, username, host, port, tls, role, permissions, allowedIps, expiresAt } = record;
  return { kind, credentialId: id, userId, username, host, port, tls, role, access: permissions.access, graphs: permissions.graphs, allowedIps, expiresAt };
}

/** The stored credential a caller authenticated with. */
export function credentialRefOf(principal: Pick<Principal, 'kind' | 'credentialId'>): CredentialRef {
  return { kind: principal.kind, id: principal.credentialId };
}
