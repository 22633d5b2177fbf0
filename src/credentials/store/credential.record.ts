import { Role } from '../../domain/role';
import { RevocationReason, TokenPermissions } from '../../domain/token-permissions';

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
  /** The token's own narrowing of its user's reach; a session (or an older token) has the user's whole reach. */
  permissions: TokenPermissions;
  /** Client addresses (IPs or CIDR ranges) the credential may be used from; null = anywhere. */
  allowedIps: string[] | null;
  revokedAt: number | null;
  /** Username of whoever revoked it (the owner, an admin), or null. */
  revokedBy: string | null;
  revokedReason: RevocationReason | null;
  /** The token this one was rotated into (set when rotated away). */
  rotatedTo: string | null;
  /** A token's name (a session has none). */
  name: string | null;
  /** Client address and user agent of the last recorded use (null until used, and for sessions). */
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  /** Up to 5 distinct client addresses the token was used from, newest first (empty for sessions). */
  recentIps: string[];
}

/** A record plus the SHA-256 hash of its JWT: what authentication compares on every request. */
export interface CredentialAuthRecord extends CredentialRecord {
  hash: string;
  /** The record's integrity MAC (null on records written before MACs existed). */
  mac: string | null;
  /** The restrictions exactly as stored, for the MAC. */
  restrictions: StoredRestrictions;
  /** When a use from a new address was last recorded (throttles those writes). */
  newIpAt: number | null;
}

/** What the record's MAC covers beyond the owner fields: the permissions as stored (null on records without any). */
export interface StoredRestrictions {
  access: string | null;
  graphs: string[] | null;
  allowedIps: string[] | null;
}

/** The owner fields a new credential is stored with. */
export type CredentialOwner = Pick<CredentialRecord, 'userId' | 'username' | 'role' | 'host' | 'port' | 'tls'>;
