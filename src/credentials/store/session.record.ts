import { CredentialRecord } from './credential.record';

/** A browser session as written by the store: the session JWT's hash and the sealed password. */
export interface NewSessionRecord extends Omit<CredentialRecord, 'lastUsed' | 'revoked' | 'expiresAt'> {
  expiresAt: number;
  sessionHash: string;
  passwordCiphertext: string;
  mac: string;
}
