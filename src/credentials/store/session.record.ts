import { CredentialOwner } from './credential.record';

/** A browser session as written by the store: the session JWT's hash and the sealed password. */
export interface NewSessionRecord extends CredentialOwner {
  id: string;
  createdAt: number;
  expiresAt: number;
  sessionHash: string;
  passwordCiphertext: string;
  mac: string;
}
