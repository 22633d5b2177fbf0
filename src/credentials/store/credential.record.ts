import { Role } from '../../auth/role';

/** What every stored credential (token or session) records about its owner and validity. */
export interface CredentialRecord {
  /** tokenId for a PAT, session id for a session. */
  id: string;
  userId: string;
  username: string;
  role: Role;
  host: string;
  port: number;
  tls: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Null = never expires (PATs only). */
  expiresAt: number | null;
  lastUsed: number | null;
  revoked: boolean;
}

/** A record plus the SHA-256 hash of its JWT: what authentication compares on every request. */
export interface CredentialAuthRecord extends CredentialRecord {
  hash: string;
  /** The record's integrity MAC (null on records written before MACs existed). */
  mac: string | null;
}

/** The owner fields a new credential is stored with. */
export type CredentialOwner = Pick<CredentialRecord, 'userId' | 'username' | 'role' | 'host' | 'port' | 'tls'>;
