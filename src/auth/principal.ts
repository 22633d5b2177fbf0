import { CredentialKind } from '../credentials/credential-kind';
import { CredentialRef } from '../credentials/credential-store';
import { CredentialRecord } from '../credentials/store/credential.record';
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

/** The caller a verified stored record stands for (copies the owner fields, never hashes or MACs). */
export function principalOf(kind: CredentialKind, record: CredentialRecord): Principal {
  const { id, userId, username, host, port, tls, role } = record;
  return { kind, credentialId: id, userId, username, host, port, tls, role };
}

/** The stored credential a caller authenticated with. */
export function credentialRefOf(principal: Pick<Principal, 'kind' | 'credentialId'>): CredentialRef {
  return { kind: principal.kind, id: principal.credentialId };
}
