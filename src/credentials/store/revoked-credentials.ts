import type { Row } from '../../falkordb/query-types';

/** Whose credentials they are, as an `auth.failed` audit event names them. */
export interface CredentialOwnerRef {
  username: string;
  host: string;
  port: number;
}

/** Credentials one write revoked, all of one owner. */
export interface RevokedCredentials {
  ids: string[];
  owner: CredentialOwnerRef;
}

/** A row answered by a revoking write: `ids` and the owner's `username`, `host` and `port`. */
export function revokedCredentialsOf(row: Row): RevokedCredentials {
  return {
    ids: Array.isArray(row.ids) ? row.ids.map(String) : [],
    owner: { username: String(row.username), host: String(row.host), port: Number(row.port) },
  };
}
