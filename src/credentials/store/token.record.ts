import { Access } from '../../domain/token-permissions';
import { CredentialOwner, CredentialRecord } from './credential.record';

/** A Personal Access Token as stored (never the token itself: only its SHA-256 hash). */
export interface TokenRecord extends CredentialRecord {
  name: string;
}

/** A token as written by the store: the hash and the sealed password, never the token or password. */
export interface NewTokenRecord extends CredentialOwner {
  id: string;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  access: Access;
  graphs: string[] | null;
  allowedIps: string[] | null;
  tokenHash: string;
  passwordCiphertext: string;
  mac: string;
  /** When the token is first due an expiry notice (expiry-notices.ts); null = never. Absent = none. */
  noticeDue?: number | null;
}

/** Which tokens a caller may see: everyone's on a server (admins) or one user's. */
export interface TokenScope {
  host: string;
  port: number;
  /** Undefined = every user of that server. */
  username?: string;
}

/** Which tokens a list shows: `active` (neither revoked nor expired), `expired`, `revoked`, or `all`. */
export const TOKEN_STATES = ['active', 'expired', 'revoked', 'all'] as const;
export type TokenState = (typeof TOKEN_STATES)[number];

/** How a list is sorted: `created_at`, `expires_at` or `last_used`, descending with a leading `-`. */
export const TOKEN_SORTS = ['-created_at', 'created_at', 'expires_at', '-expires_at', 'last_used', '-last_used'] as const;
export type TokenSort = (typeof TOKEN_SORTS)[number];

/** Which tokens of a scope a list shows. */
export interface TokenListFilter {
  state: TokenState;
  /** Only this user's tokens (admins' filter; other callers are scoped to themselves anyway). */
  username?: string;
  /** Case-insensitive substring of the name. */
  nameContains?: string;
  /** Expiring before this time (epoch ms); never-expiring tokens never match. */
  expiresBefore?: number;
  /** Last used before this time (epoch ms); never-used tokens always match. */
  lastUsedBefore?: number;
}
