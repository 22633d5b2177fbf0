import { CredentialKind } from '../domain/credential-kind';
import { Principal } from '../domain/principal';
import { CredentialRecord } from '../credentials/store/credential.record';

/** The caller a verified stored record stands for (copies the owner fields, never hashes or MACs). */
export function principalOf(kind: CredentialKind, record: CredentialRecord): Principal {
  const { id, userId, username, host, port, tls, role, permissions, allowedIps, expiresAt } = record;
  return { kind, credentialId: id, userId, username, host, port, tls, role, access: permissions.access, graphs: permissions.graphs, allowedIps, expiresAt };
}
