import { CredentialRef } from '../domain/credential-kind';
import { TokenPermissions } from '../domain/token-permissions';
import { CredentialOwner } from './store/credential.record';

/* What callers hand the credential store: a presented credential to verify, new ones to seal and store. */

/** A credential as presented on a request: its signed claims and the raw JWT (to be hashed). */
export interface PresentedCredential extends CredentialRef {
  /** The JWT's `sub`: the user id it was issued to. */
  subject: string;
  token: string;
  /** The client address as the HTTP adapter resolved it (proxy settings honoured), and the User-Agent (at most 200 characters). */
  clientAddress?: string | null;
  userAgent?: string | null;
}

/** A credential to store: the JWT and password are hashed and sealed here, never stored as given. */
export interface NewCredential extends CredentialOwner {
  id: string;
  token: string;
  password: string;
  createdAt: number;
}

export interface NewToken extends NewCredential {
  name: string;
  expiresAt: number | null;
  permissions: TokenPermissions;
  allowedIps: string[] | null;
}

export interface NewSession extends NewCredential {
  expiresAt: number;
}
