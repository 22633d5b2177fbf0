import { Role } from '../role';

/** A Personal Access Token as stored (never the token itself: only its SHA-256 hash). */
export interface TokenRecord {
  tokenId: string;
  userId: string;
  username: string;
  name: string;
  role: Role;
  host: string;
  port: number;
  tls: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number | null;
  lastUsed: number | null;
  revoked: boolean;
}

export interface NewTokenRecord extends Omit<TokenRecord, 'lastUsed' | 'revoked'> {
  tokenHash: string;
  passwordCiphertext: string;
}

/** What authentication needs on each request: the record plus its stored hash. */
export interface TokenAuthRecord extends TokenRecord {
  tokenHash: string;
}

/** Which tokens a caller may see: everyone's on a server (admins) or one user's. */
export interface TokenScope {
  host: string;
  port: number;
  /** Undefined = every user of that server. */
  username?: string;
}
